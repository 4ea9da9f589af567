/**
 * Moves a tenant between lifecycle statuses with one conditional write. The onboarding
 * machine uses it to claim a PENDING tenant (PENDING -> PROVISIONING), and the failure
 * paths use it to write PROVISION_FAILED or DEPROVISION_FAILED themselves when the failure
 * event could not be emitted. When the condition fails because the tenant has already left
 * the `from` statuses, the handler returns `{ transitioned: false }`: for a claim, that is a
 * duplicate delivery of the same event, which the machine ends quietly.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { getTenant, transitionTenantStatus, trimStatusReason } from '../../shared/registry';
import { logger } from '../../shared/powertools';
import { TENANT_STATUSES, TenantStatus } from '../../shared/tenant';
import { executionIdSchema, parseLifecycleInput, startInvocation, TenantNotFoundError } from './lifecycle-handler';

const HANDLER_ID = 'lifecycle-transition';
const MAX_ATTEMPTS = 3;

const statusSchema = z.enum(TENANT_STATUSES);

const inputSchema = z.object({
  tenantId: z.string().min(1).max(256),
  from: z.array(statusSchema).min(1),
  to: statusSchema,
  /** Failure reason stored as `statusReason`; set only with a failed status. */
  reason: z.string().min(1).optional(),
  executionId: executionIdSchema,
});

export interface TransitionResult {
  readonly transitioned: boolean;
  /** Status after the call: the new one, or the one that stopped the transition. */
  readonly status: TenantStatus;
  readonly tenantId: string;
}

export const handler = async (input: unknown, context?: Context): Promise<TransitionResult> => {
  const { tenantId, from, to, reason, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  startInvocation(context, { tenantId, executionId });

  const set: Record<string, unknown> = { lastExecutionArn: executionId };
  if (reason !== undefined) {
    set.statusReason = trimStatusReason(reason);
  }
  const remove = reason === undefined ? ['statusReason'] : [];

  // A second attempt covers a status that changed between the write and the read below.
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const updated = await transitionTenantStatus(tenantId, to, { from, set, remove });
    if (updated) {
      logger.appendKeys({ tier: updated.tier });
      logger.info('tenant status changed', { from, to });
      return { transitioned: true, status: to, tenantId };
    }

    const current = await getTenant(tenantId);
    if (!current) {
      throw new TenantNotFoundError(tenantId);
    }
    logger.appendKeys({ tier: current.tier });
    if (from.includes(current.status)) {
      continue;
    }

    if (to === 'PROVISIONING') {
      logger.info('duplicate delivery ignored', { tenantId, status: current.status, executionId, expected: from });
    } else {
      logger.warn('tenant status not changed because the tenant left the expected statuses', { status: current.status, expected: from, to });
    }
    return { transitioned: false, status: current.status, tenantId };
  }
  throw new Error(`tenant "${tenantId}" changed status during each of ${MAX_ATTEMPTS} attempts to move it to ${to}`);
};
