/**
 * First state of every lifecycle state machine: checks the EventBridge event that started
 * the execution against the detail schema of its detail type and returns the request the
 * later states read. The state machine passes the whole event, so a missing field becomes
 * an `InvalidEventError` that the machine catches and reports in a failure event, instead
 * of a JSONPath runtime error that no Catch can handle.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { configuredTiers } from '../../shared/environment';
import { DETAIL_SCHEMAS, DETAIL_TYPES, DetailType } from '../../shared/events';
import { logger } from '../../shared/powertools';
import { describeIssues, executionIdSchema, InvalidEventError, parseLifecycleInput, startInvocation } from './lifecycle-handler';

const HANDLER_ID = 'lifecycle-validate-event';

/** Detail types that each state machine accepts. */
export const ACCEPTED_DETAIL_TYPES = {
  onboarding: [DETAIL_TYPES.onboardingRequest],
  offboarding: [DETAIL_TYPES.offboardingRequest],
  activation: [DETAIL_TYPES.activateRequest, DETAIL_TYPES.deactivateRequest],
} as const satisfies Record<string, readonly DetailType[]>;

export type LifecycleOperation = keyof typeof ACCEPTED_DETAIL_TYPES;

const inputSchema = z.object({
  operation: z.enum(['onboarding', 'offboarding', 'activation']),
  event: z.unknown(),
  executionId: executionIdSchema,
});

/** Envelope fields of an EventBridge event that the machines rely on. */
const envelopeSchema = z.object({
  id: z.string().min(1).optional(),
  'detail-type': z.string().min(1),
  source: z.string().min(1).optional(),
  detail: z.record(z.string(), z.unknown()),
});

export interface OnboardingRequest {
  readonly detailType: DetailType;
  readonly eventId: string;
  readonly tenantId: string;
  readonly tenantRegistrationId: string;
  readonly tenantName: string;
  readonly email: string;
  readonly tier: string;
  readonly model: 'pool' | 'silo';
}

export interface TenantRequest {
  readonly detailType: DetailType;
  readonly eventId: string;
  readonly tenantId: string;
  /** Tier named in the event; `null` when the event names none. */
  readonly tier: string | null;
}

export const handler = async (input: unknown, context?: Context): Promise<OnboardingRequest | TenantRequest> => {
  const { operation, event, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  const detail = (event as { detail?: { tenantId?: unknown; tier?: unknown } } | null)?.detail;
  startInvocation(context, {
    tenantId: typeof detail?.tenantId === 'string' ? detail.tenantId.slice(0, 64) : undefined,
    tier: typeof detail?.tier === 'string' ? detail.tier.slice(0, 32) : undefined,
    executionId,
  });

  try {
    const request = validateEvent(operation, event);
    logger.info('lifecycle event is valid', { operation, detailType: request.detailType, eventId: request.eventId });
    return request;
  } catch (error) {
    if (error instanceof InvalidEventError) {
      logger.warn('lifecycle event is invalid', { operation, reason: error.message });
    }
    throw error;
  }
};

/** Validates `event` for `operation` and returns the request; throws `InvalidEventError`. */
export function validateEvent(operation: LifecycleOperation, event: unknown): OnboardingRequest | TenantRequest {
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success) {
    throw new InvalidEventError(`the event is not an EventBridge event with a detail object: ${describeIssues(envelope.error.issues)}`);
  }

  const detailType = envelope.data['detail-type'];
  const accepted: readonly string[] = ACCEPTED_DETAIL_TYPES[operation];
  if (!accepted.includes(detailType)) {
    throw new InvalidEventError(`detail-type "${detailType}" is not handled by the ${operation} state machine; it handles ${accepted.join(', ')}`);
  }

  const schema = DETAIL_SCHEMAS[detailType as keyof typeof DETAIL_SCHEMAS];
  const parsed = schema.safeParse(envelope.data.detail);
  if (!parsed.success) {
    throw new InvalidEventError(`${detailType} detail is invalid: ${describeIssues(parsed.error.issues.map((issue) => ({ ...issue, path: ['detail', ...issue.path] })))}`);
  }
  const eventId = envelope.data.id ?? '';

  if (detailType === DETAIL_TYPES.onboardingRequest) {
    const onboarding = parsed.data as z.infer<(typeof DETAIL_SCHEMAS)['sbt_aws_onboardingRequest']>;
    return {
      detailType,
      eventId,
      tenantId: onboarding.tenantId,
      tenantRegistrationId: onboarding.tenantRegistrationId,
      tenantName: onboarding.tenantName,
      email: onboarding.email,
      tier: onboarding.tier,
      model: tierModel(onboarding.tier),
    };
  }

  const request = parsed.data as z.infer<(typeof DETAIL_SCHEMAS)['sbt_aws_offboardingRequest']>;
  return { detailType: detailType as DetailType, eventId, tenantId: request.tenantId, tier: request.tier ?? null };
}

function tierModel(tier: string): 'pool' | 'silo' {
  const tiers = configuredTiers();
  const match = tiers.find((candidate) => candidate.name === tier);
  if (!match) {
    throw new InvalidEventError(`detail.tier "${tier}" is not one of ${tiers.map((candidate) => candidate.name).join(', ')}`);
  }
  return match.model;
}
