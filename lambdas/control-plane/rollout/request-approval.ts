/**
 * The approval gate between waves. Step Functions invokes this handler with a task token
 * and waits. The handler stores the token on the rollout record and sets the status to
 * WAITING_FOR_APPROVAL. `tenantform rollout approve|reject` reads the token and calls
 * SendTaskSuccess or SendTaskFailure, which resumes or stops the execution.
 */
import { logger } from '../../shared/powertools';
import { getRolloutHeader, setRolloutStatus } from './rollout-store';

export interface RequestApprovalEvent {
  readonly rolloutId: string;
  readonly nextWaveNumber: number;
  readonly taskToken: string;
}

export async function handler(event: RequestApprovalEvent): Promise<{ waiting: true }> {
  const { rolloutId, nextWaveNumber, taskToken } = event;
  logger.appendKeys({ rolloutId, wave: nextWaveNumber });
  if (typeof taskToken !== 'string' || taskToken.length === 0) {
    throw new Error(`approval request for rollout ${rolloutId} has no task token; invoke it with lambda:invoke.waitForTaskToken`);
  }

  const updated = await setRolloutStatus(rolloutId, 'WAITING_FOR_APPROVAL', {
    from: ['RUNNING'],
    set: { approvalTaskToken: taskToken, approvalForWave: nextWaveNumber },
  });
  if (!updated) {
    const current = await getRolloutHeader(rolloutId);
    // A retried invocation finds its own token already stored.
    if (current?.status !== 'WAITING_FOR_APPROVAL' || current.approvalTaskToken !== taskToken) {
      throw new Error(`rollout ${rolloutId} is ${current?.status ?? 'missing'}, so it cannot wait for approval of wave ${nextWaveNumber}`);
    }
  }
  logger.info('rollout waiting for approval');
  return { waiting: true };
}
