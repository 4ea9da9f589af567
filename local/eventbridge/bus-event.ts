/**
 * The event envelope EventBridge delivers to targets, and the conversion of a PutEvents
 * request entry into it, with the checks EventBridge makes on each entry.
 */
import { randomUUID } from 'crypto';

export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** One entry of a PutEvents request, as the JSON protocol carries it. */
export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  /** JSON text of an object. */
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  /** Seconds since the epoch, as the SDK serialises a Date; or an ISO 8601 string. */
  readonly Time?: number | string;
}

export interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/** Largest entry EventBridge accepts, in bytes of source, detail type, detail and resources. */
export const MAX_ENTRY_BYTES = 256 * 1024;

export interface BusIdentity {
  readonly name: string;
  readonly account: string;
  readonly region: string;
}

/** Builds the event for `entry`, or returns the per-entry error EventBridge would return. */
export function toBusEvent(entry: PutEventsEntry, bus: BusIdentity, now = new Date()): BusEvent | PutEventsResultEntry {
  const busArn = `arn:aws:events:${bus.region}:${bus.account}:event-bus/${bus.name}`;
  const busName = entry.EventBusName ?? 'default';
  if (busName !== bus.name && busName !== busArn) {
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
  }
  if (!entry.Source) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' };
  }
  if (!entry.DetailType) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' };
  }
  if (entry.Detail === undefined) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' };
  }

  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed: it must be a JSON object.' };
  }

  const size = Buffer.byteLength(entry.Source) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Detail) +
    (entry.Resources ?? []).reduce((total, resource) => total + Buffer.byteLength(resource), 0);
  if (size > MAX_ENTRY_BYTES) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `Entry size ${size} bytes exceeds the limit of ${MAX_ENTRY_BYTES} bytes.` };
  }

  const time = eventTime(entry.Time, now);
  if (!time) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter Time ${JSON.stringify(entry.Time)} is not a valid timestamp.` };
  }

  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: bus.account,
    // EventBridge truncates the event time to whole seconds.
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: bus.region,
    resources: [...(entry.Resources ?? [])],
    detail: detail as Record<string, unknown>,
  };
}

function eventTime(value: number | string | undefined, now: Date): Date | undefined {
  if (value === undefined) {
    return now;
  }
  const time = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

export function isBusEvent(value: BusEvent | PutEventsResultEntry): value is BusEvent {
  return 'detail-type' in value;
}
