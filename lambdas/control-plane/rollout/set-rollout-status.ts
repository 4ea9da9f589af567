/**
 * Moves a rollout to RUNNING after an approval, or to its final status, with a conditional
 * write. When a rollback finishes with every tenant returned, the rollout it undid becomes
 * ROLLED_BACK.
 */
import { logger } from '../../shared/powertools';
import { trimStatusReason } from '../../shared/registry';
import type { RolloutStatus } from './rollout-model';
import { getRolloutHeader, listRolloutTenants, setRolloutStatus } from './rollout-store';

export interface SetRolloutStatusEvent {
  readonly rolloutId: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'HALTED' | 'REJECTED';
  readonly reason?: string;
  readonly failedTenants?: readonly string[];
  /** Error caught by the state machine; its cause becomes the reason when none is given. */
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

const ALLOWED_FROM: Record<SetRolloutStatusEvent['status'], readonly RolloutStatus[]> = {
  RUNNING: ['WAITING_FOR_APPROVAL'],
  SUCCEEDED: ['RUNNING'],
  HALTED: ['RUNNING', 'WAITING_FOR_APPROVAL'],
  REJECTED: ['WAITING_FOR_APPROVAL', 'RUNNING'],
};

export async function handler(event: SetRolloutStatusEvent): Promise<{ rolloutId: string; status: RolloutStatus; reason?: string }> {
  const { rolloutId, status } = event;
  logger.appendKeys({ rolloutId });
  const from = ALLOWED_FROM[status];
  if (!from) {
    throw new Error(`rollout status "${String(status)}" cannot be set by the state machine; use RUNNING, SUCCEEDED, HALTED or REJECTED`);
  }

  const now = new Date().toISOString();
  const final = status !== 'RUNNING';
  let reason = event.reason ?? describeError(event.error);
  const header = await getRolloutHeader(rolloutId);
  if (!header) {
    throw new Error(`rollout ${rolloutId} was not found in the rollouts table`);
  }

  let failedTenants = event.failedTenants ? [...event.failedTenants] : undefined;
  if (status === 'SUCCEEDED') {
    const failed = (await listRolloutTenants(rolloutId)).filter((item) => item.result === 'FAILED').map((item) => item.tenantId);
    if (failed.length > 0) {
      failedTenants = failed;
      reason = `${failed.length} tenants failed within the tolerated percentage: ${failed.join(', ')}`;
    }
  }

  const updated = await setRolloutStatus(rolloutId, status, {
    from,
    set: {
      statusReason: reason === undefined ? undefined : trimStatusReason(reason),
      failedTenants,
      finishedAt: final ? now : undefined,
    },
    remove: ['approvalTaskToken', 'approvalForWave', ...(reason === undefined ? ['statusReason'] : [])],
  });
  if (!updated && header.status !== status) {
    throw new Error(`rollout ${rolloutId} is ${header.status}; it cannot move to ${status}`);
  }
  logger.info('rollout status set', { status, reason });

  if (status === 'SUCCEEDED' && header.rollbackOf && (failedTenants ?? []).length === 0) {
    const original = await setRolloutStatus(header.rollbackOf, 'ROLLED_BACK', {
      from: ['SUCCEEDED', 'HALTED', 'REJECTED'],
      set: { rolledBackBy: rolloutId },
    });
    logger.info('rolled-back rollout marked', { rollbackOf: header.rollbackOf, marked: original !== undefined });
  }
  return reason === undefined ? { rolloutId, status } : { rolloutId, status, reason };
}

function describeError(error: SetRolloutStatusEvent['error']): string | undefined {
  if (!error) {
    return undefined;
  }
  const cause = error.Cause?.trim();
  return cause ? `${error.Error ?? 'Error'}: ${cause}` : error.Error;
}
