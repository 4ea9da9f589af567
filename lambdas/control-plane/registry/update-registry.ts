/**
 * Registry updater: the EventBridge target of the lifecycle result events (provision,
 * deprovision, activate and deactivate success and failure) and of the failed, timed-out
 * and aborted executions of the lifecycle state machines. It validates each detail and
 * applies one conditional write per event, from the rules in `result-rules.ts`.
 *
 * - An invalid event throws `InvalidEventError` naming the field. EventBridge invokes this
 *   function asynchronously, so Lambda retries it and then sends it, with the error, to
 *   the function's dead-letter queue.
 * - A replayed event (the tenant already has the target status) is logged and ignored.
 * - An event that finds the tenant in a status the rule does not move from is logged as a
 *   warning with both statuses and ignored, because a retry would fail the same way.
 * - An event for a tenant that does not exist throws, so it reaches the dead-letter queue.
 */
import type { Context } from 'aws-lambda';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { DETAIL_SCHEMAS, DetailType } from '../../shared/events';
import { ENV } from '../../shared/environment';
import { logger, metrics } from '../../shared/powertools';
import { getTenant, transitionTenantStatus, trimStatusReason, updateTenantAttributes } from '../../shared/registry';
import { TenantRecord, TenantStatus } from '../../shared/tenant';
import { releaseTenantName } from '../../shared/tenant-names';
import { EXECUTION_STATUS_CHANGE, parseFailedExecution } from './execution-status';
import { InvalidEventError } from './invalid-event-error';
import { EXECUTION_FAILURE_RULES, RESULT_RULES, ResultDetail, ResultRule } from './result-rules';

export interface RegistryUpdateResult {
  readonly tenantId?: string;
  readonly detailType: string;
  /** `updated`: the write was applied; `replayed`: it had been applied before; `ignored`: nothing to do. */
  readonly outcome: 'updated' | 'replayed' | 'ignored';
  readonly status?: TenantStatus;
}

const envelope = z.object({
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  id: z.string().optional(),
  detail: z.record(z.string(), z.unknown()),
});

export const handler = async (event: unknown, context: Context): Promise<RegistryUpdateResult> => {
  logger.addContext(context);
  try {
    const parsed = envelope.safeParse(event);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.map(String).join('.') || 'event';
      throw new InvalidEventError(`event field ${field} is invalid: ${issue.message}`, field);
    }
    const busEvent = parsed.data;
    logger.appendKeys({ eventId: busEvent.id, detailType: busEvent['detail-type'] });

    const result = busEvent.source === 'aws.states' ? await applyExecutionStatus(busEvent) : await applyResultEvent(busEvent);
    metrics.addMetric(`Registry${result.outcome[0].toUpperCase()}${result.outcome.slice(1)}`, MetricUnit.Count, 1);
    return result;
  } catch (error) {
    if (error instanceof InvalidEventError) {
      metrics.addMetric('RegistryInvalidEvents', MetricUnit.Count, 1);
      logger.error('invalid event; throwing so it is retried and dead-lettered', { field: error.field, reason: error.message });
    } else {
      logger.error('registry update failed', error as Error);
    }
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
};

async function applyResultEvent(busEvent: z.infer<typeof envelope>): Promise<RegistryUpdateResult> {
  const detailType = busEvent['detail-type'];
  const rule = RESULT_RULES[detailType as DetailType];
  if (!rule) {
    throw new InvalidEventError(`detail-type ${JSON.stringify(detailType)} is not a lifecycle result; the rule targeting this function is misconfigured`, 'detail-type');
  }
  const expectedSource = process.env[ENV.applicationPlaneSource];
  if (expectedSource && busEvent.source !== expectedSource) {
    throw new InvalidEventError(`source ${JSON.stringify(busEvent.source)} is not the application-plane source ${JSON.stringify(expectedSource)}`, 'source');
  }

  const schema = DETAIL_SCHEMAS[detailType as keyof typeof DETAIL_SCHEMAS] as z.ZodType<ResultDetail>;
  const parsed = schema.safeParse(busEvent.detail);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['detail', ...issue.path.map(String)].join('.');
    throw new InvalidEventError(`${detailType} ${field} is invalid: ${issue.message}`, field);
  }
  logger.appendKeys({ tenantId: parsed.data.tenantId });
  return applyRule(parsed.data.tenantId, detailType, rule, parsed.data);
}

async function applyExecutionStatus(busEvent: z.infer<typeof envelope>): Promise<RegistryUpdateResult> {
  const detailType = busEvent['detail-type'];
  if (detailType !== EXECUTION_STATUS_CHANGE) {
    throw new InvalidEventError(`aws.states detail-type ${JSON.stringify(detailType)} is not "${EXECUTION_STATUS_CHANGE}"`, 'detail-type');
  }
  const execution = parseFailedExecution(busEvent.detail);
  if (!execution) {
    logger.info('execution did not fail; nothing to record', { status: busEvent.detail.status });
    return { detailType, outcome: 'ignored' };
  }
  logger.appendKeys({ tenantId: execution.tenantId, executionArn: execution.executionArn });

  const rule = EXECUTION_FAILURE_RULES[execution.requestType];
  if (!rule) {
    throw new InvalidEventError(
      `detail.input.detail-type ${execution.requestType} of execution ${execution.executionArn} is not a lifecycle request`,
      'detail.input.detail-type',
    );
  }
  return applyRule(execution.tenantId, detailType, rule, { tenantId: execution.tenantId, reason: execution.reason, executionArn: execution.executionArn });
}

async function applyRule(tenantId: string, detailType: string, rule: ResultRule, detail: ResultDetail): Promise<RegistryUpdateResult> {
  const now = new Date().toISOString();
  const execution = detail.executionArn ? { lastExecutionArn: detail.executionArn } : {};
  const updated =
    rule.kind === 'transition'
      ? await transitionTenantStatus(tenantId, rule.to, { from: rule.from, set: { ...rule.set(detail, now), ...execution }, remove: rule.remove })
      : await updateTenantAttributes(tenantId, {
          set: { statusReason: trimStatusReason(detail.reason ?? 'no reason given'), ...execution },
          whenStatus: rule.whenStatus,
        });

  if (updated) {
    logger.appendKeys({ tier: updated.tier });
    logger.info('tenant registry updated', { status: updated.status });
    await afterUpdate(updated);
    return { tenantId, detailType, outcome: 'updated', status: updated.status };
  }

  const current = await getTenant(tenantId);
  if (!current) {
    throw new InvalidEventError(`tenant ${tenantId} named by detail.tenantId was not found in the registry`, 'detail.tenantId');
  }
  logger.appendKeys({ tier: current.tier });
  if (rule.kind === 'transition' && current.status === rule.to) {
    logger.info('event was applied before; ignoring the replay', { status: current.status });
    await afterUpdate(current);
    return { tenantId, detailType, outcome: 'replayed', status: current.status };
  }

  const expected = rule.kind === 'transition' ? rule.from : rule.whenStatus;
  logger.warn('tenant is not in a status this event applies to; ignoring the event', {
    currentStatus: current.status,
    expectedStatus: expected.join(' or '),
    targetStatus: rule.kind === 'transition' ? rule.to : current.status,
  });
  return { tenantId, detailType, outcome: 'ignored', status: current.status };
}

/** Frees the name of a deleted tenant, so a new tenant can register it; a replay does it again if the first attempt failed. */
async function afterUpdate(tenant: TenantRecord): Promise<void> {
  if (tenant.status === 'DELETED') {
    const released = await releaseTenantName(tenant.tenantName, tenant.tenantId);
    logger.info(released ? 'tenant name released' : 'tenant name was already released or belongs to another tenant');
  }
}
