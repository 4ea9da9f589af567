/**
 * First state of every failure path: turns the error that a Catch stored at `$.error` into
 * the detail of the failure event, with a reason a person can act on. The cause of a
 * Lambda error is Lambda's JSON error object, and the cause of a failed
 * `codebuild:startBuild.sync` is the JSON of the failed build. Both are reduced to their
 * messages. The handler only reads its input, so it fails only if Lambda itself does.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../../../config/naming';
import { DETAIL_TYPES, DetailType } from '../../shared/events';
import { logger } from '../../shared/powertools';
import { trimStatusReason } from '../../shared/registry';
import { executionIdSchema, parseLifecycleInput, startInvocation } from './lifecycle-handler';

const HANDLER_ID = 'lifecycle-build-failure';

const inputSchema = z.object({
  operation: z.enum(['provision', 'deprovision', 'activation']),
  /** The whole state-machine state at the failure: the event, the results so far and `error`. */
  state: z.record(z.string(), z.unknown()),
  executionId: executionIdSchema,
});

export interface FailureResult {
  readonly tenantId: string;
  readonly reason: string;
  readonly detailType: DetailType;
  /** Detail of the failure event, ready for PutEvents. */
  readonly detail: { tenantId: string; tenantRegistrationId?: string; executionArn: string; reason: string };
}

export const handler = async (input: unknown, context?: Context): Promise<FailureResult> => {
  const { operation, state, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  const tenantId = findString(state, ['request', 'tenantId'], ['claim', 'tenant', 'tenantId'], ['detail', 'tenantId']) ?? '';
  const tenantRegistrationId = findString(state, ['request', 'tenantRegistrationId'], ['claim', 'tenant', 'tenantRegistrationId'], ['detail', 'tenantRegistrationId']);
  startInvocation(context, { tenantId: tenantId.slice(0, 64), tier: findString(state, ['request', 'tier'], ['claim', 'tenant', 'tier']), executionId });

  const reason = trimStatusReason(describeCaughtError(state.error));
  const detailType = failureDetailType(operation, state);
  if (!TENANT_ID_PATTERN.test(tenantId)) {
    logger.warn('the event has no usable tenant id, so the registry updater cannot record this failure', { tenantId });
  }
  logger.error('lifecycle operation failed', { operation, detailType, reason });

  return {
    tenantId,
    reason,
    detailType,
    detail: { tenantId, ...(tenantRegistrationId ? { tenantRegistrationId } : {}), executionArn: executionId, reason },
  };
};

/** Builds a readable reason from a Catch's `{ Error, Cause }`. */
export function describeCaughtError(caught: unknown): string {
  const error = (caught ?? {}) as { Error?: unknown; Cause?: unknown };
  const name = typeof error.Error === 'string' && error.Error !== '' ? error.Error : 'UnknownError';
  const cause = typeof error.Cause === 'string' ? error.Cause.trim() : '';

  if (name === 'States.Timeout') {
    return `States.Timeout: the task did not finish within its TimeoutSeconds${cause ? ` (${cause})` : ''}`;
  }
  if (cause === '') {
    return name;
  }

  const parsed = parseJson(cause);
  if (parsed && typeof parsed === 'object') {
    const lambdaError = parsed as { errorType?: unknown; errorMessage?: unknown };
    if (typeof lambdaError.errorMessage === 'string') {
      const type = typeof lambdaError.errorType === 'string' ? lambdaError.errorType : name;
      return `${type}: ${lambdaError.errorMessage}`;
    }
    const build = ((parsed as { Build?: unknown }).Build ?? parsed) as BuildLike;
    if (typeof build.BuildStatus === 'string' || Array.isArray(build.Phases)) {
      return describeFailedBuild(build);
    }
  }
  return `${name}: ${cause}`;
}

interface BuildLike {
  readonly Id?: string;
  readonly BuildStatus?: string;
  readonly Phases?: { PhaseType?: string; PhaseStatus?: string; Contexts?: { StatusCode?: string; Message?: string }[] }[];
  readonly Logs?: { DeepLink?: string };
}

/** Reason of a failed build: its status, the messages of its failed phases and its log link. */
function describeFailedBuild(build: BuildLike): string {
  const failedPhases = (build.Phases ?? []).filter((phase) => phase.PhaseStatus && phase.PhaseStatus !== 'SUCCEEDED');
  const messages = failedPhases.flatMap((phase) =>
    (phase.Contexts ?? []).filter((context) => context.Message).map((context) => `${phase.PhaseType ?? 'phase'}: ${context.Message}`),
  );
  const parts = [`provisioning job ${build.Id ?? '(no id)'} ended with status ${build.BuildStatus ?? 'unknown'}`];
  if (messages.length > 0) {
    parts.push(messages.join('\n'));
  }
  if (build.Logs?.DeepLink) {
    parts.push(`logs: ${build.Logs.DeepLink}`);
  }
  return parts.join('\n');
}

function failureDetailType(operation: 'provision' | 'deprovision' | 'activation', state: Record<string, unknown>): DetailType {
  if (operation === 'provision') {
    return DETAIL_TYPES.provisionFailure;
  }
  if (operation === 'deprovision') {
    return DETAIL_TYPES.deprovisionFailure;
  }
  const requested = findString(state, ['request', 'detailType'], ['detail-type']);
  return requested === DETAIL_TYPES.deactivateRequest ? DETAIL_TYPES.deactivateFailure : DETAIL_TYPES.activateFailure;
}

function findString(state: Record<string, unknown>, ...paths: string[][]): string | undefined {
  for (const path of paths) {
    let current: unknown = state;
    for (const key of path) {
      current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    }
    if (typeof current === 'string' && current !== '') {
      return current;
    }
  }
  return undefined;
}

function parseJson(text: string): unknown {
  if (!text.startsWith('{')) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
