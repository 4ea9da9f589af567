/**
 * Puts one event on the platform bus (EVENT_BUS_NAME). The source is the emitting plane's
 * configured source (CONTROL_PLANE_EVENT_SOURCE or APPLICATION_PLANE_EVENT_SOURCE), so
 * callers give only the detail type and the detail. A detail that fails its schema in
 * `DETAIL_SCHEMAS` is never sent, and an entry that EventBridge rejects is an error, because
 * PutEvents reports a rejected entry in `FailedEntryCount` and not as an exception.
 */
import { z } from 'zod';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient } from './aws-clients';
import { ENV, requireEnv } from './environment';
import { DETAIL_SCHEMAS, DetailType, EMITTING_PLANE } from './events';

/** Largest PutEvents entry EventBridge accepts, in bytes. */
export const MAX_EVENT_ENTRY_BYTES = 256 * 1024;

/** Raised when the bus did not accept an event. `errorCode` is EventBridge's error code, when it returned one. */
export class EventPublishError extends Error {
  constructor(
    message: string,
    readonly detailType: string,
    readonly errorCode?: string,
  ) {
    super(message);
    this.name = 'EventPublishError';
  }
}

/** Returns the source of `detailType`'s emitting plane, read from the environment at call time. */
export function eventSourceFor(detailType: DetailType): string {
  const plane = EMITTING_PLANE[detailType];
  return requireEnv(plane === 'controlPlane' ? ENV.controlPlaneSource : ENV.applicationPlaneSource);
}

/**
 * Validates `detail` against the schema of `detailType`, puts it on the bus and returns
 * the event id. Throws `EventPublishError` when the detail is invalid, too large, or
 * rejected by EventBridge. SDK errors (network, throttling after retries) propagate unchanged.
 */
export async function publishEvent(detailType: DetailType, detail: Readonly<Record<string, unknown>>): Promise<string> {
  const schema = (DETAIL_SCHEMAS as Partial<Record<DetailType, z.ZodType>>)[detailType];
  if (schema) {
    const parsed = schema.safeParse(detail);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'detail';
      throw new EventPublishError(`${detailType} detail field ${field} is invalid: ${issue?.message ?? 'does not match the schema'}`, detailType);
    }
  }

  const entry = {
    EventBusName: requireEnv(ENV.eventBusName),
    Source: eventSourceFor(detailType),
    DetailType: detailType,
    Detail: JSON.stringify(detail),
  };
  const size = Buffer.byteLength(entry.Detail) + Buffer.byteLength(entry.DetailType) + Buffer.byteLength(entry.Source);
  if (size > MAX_EVENT_ENTRY_BYTES) {
    throw new EventPublishError(`${detailType} event is ${size} bytes; EventBridge accepts at most ${MAX_EVENT_ENTRY_BYTES}`, detailType);
  }

  const result = await eventBridgeClient().send(new PutEventsCommand({ Entries: [entry] }));
  const [first] = result.Entries ?? [];
  if ((result.FailedEntryCount ?? 0) > 0 || !first?.EventId) {
    throw new EventPublishError(
      `EventBridge rejected the ${detailType} event on bus ${entry.EventBusName}: ${first?.ErrorCode ?? 'no error code'} ${first?.ErrorMessage ?? 'and no event id'}`.trim(),
      detailType,
      first?.ErrorCode,
    );
  }
  return first.EventId;
}
