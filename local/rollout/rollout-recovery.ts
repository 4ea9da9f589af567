/**
 * Repairs what a local rollout stopped by Ctrl-C or a crash left behind. A local rollout runs
 * only while its process holds the sandbox lock, so once another process holds the lock, a
 * rollout still recorded as RUNNING or WAITING_FOR_APPROVAL is known to be dead. Its record
 * becomes HALTED with the reason, and each tenant it had claimed goes from UPDATING back to
 * ACTIVE at its recorded version.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../lambdas/shared/aws-clients';
import { isConditionalCheckFailure, tenantsTableName, trimStatusReason } from '../../lambdas/shared/registry';
import { ROLLOUT_SCHEMA, type RolloutHeader } from '../../lambdas/control-plane/rollout/rollout-model';
import { listRolloutTenants, rolloutsTableName, setRolloutStatus, setTenantResult } from '../../lambdas/control-plane/rollout/rollout-store';
import { ROLLOUT_CLAIM_ATTRIBUTE } from '../../lambdas/control-plane/rollout/tenant-versions';
import { clearWaiting } from './approval-records';

export interface RecoveredRollout {
  readonly rolloutId: string;
  /** Tenants returned from UPDATING to ACTIVE. */
  readonly releasedTenants: readonly string[];
}

/**
 * Halts every unfinished rollout and releases its tenants. Call it only while holding the
 * sandbox lock, because a rollout that another process is running would be halted too.
 */
export async function recoverInterruptedRollouts(stateDir: string, reason: string): Promise<RecoveredRollout[]> {
  const recovered: RecoveredRollout[] = [];
  for (const header of await unfinishedRollouts()) {
    const releasedTenants: string[] = [];
    for (const item of await listRolloutTenants(header.rolloutId)) {
      // A PENDING item may still have been claimed: the process can stop between the claim
      // and the item's update. The release is conditional on this rollout's claim.
      if (item.result !== 'UPDATING' && item.result !== 'PENDING') {
        continue;
      }
      const released = await releaseClaim(item.tenantId, header.rolloutId, reason);
      if (released) {
        releasedTenants.push(item.tenantId);
      }
      if (released || item.result === 'UPDATING') {
        await setTenantResult(header.rolloutId, item.tenantId, { result: 'FAILED', reason });
      }
    }
    await setRolloutStatus(header.rolloutId, 'HALTED', {
      from: ['RUNNING', 'WAITING_FOR_APPROVAL'],
      set: { statusReason: trimStatusReason(reason), finishedAt: new Date().toISOString() },
      remove: ['approvalTaskToken', 'approvalForWave'],
    });
    clearWaiting(stateDir, header.rolloutId);
    recovered.push({ rolloutId: header.rolloutId, releasedTenants });
  }
  return recovered;
}

async function unfinishedRollouts(): Promise<RolloutHeader[]> {
  const headers: RolloutHeader[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: rolloutsTableName(),
        IndexName: ROLLOUT_SCHEMA.listIndex.name,
        KeyConditionExpression: '#partition = :partition',
        FilterExpression: '#status IN (:running, :waiting)',
        ExpressionAttributeNames: { '#partition': ROLLOUT_SCHEMA.listIndex.partitionKey, '#status': 'status' },
        ExpressionAttributeValues: { ':partition': ROLLOUT_SCHEMA.listPartition, ':running': 'RUNNING', ':waiting': 'WAITING_FOR_APPROVAL' },
        ExclusiveStartKey: startKey,
      }),
    );
    headers.push(...((page.Items ?? []) as RolloutHeader[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return headers;
}

/** Moves a tenant held by `rolloutId` from UPDATING to ACTIVE, keeping its recorded version. */
async function releaseClaim(tenantId: string, rolloutId: string, reason: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tenantsTableName(),
        Key: { tenantId },
        UpdateExpression: 'SET #status = :active, #reason = :reason, #updatedAt = :now REMOVE #claim',
        ConditionExpression: '#status = :updating AND #claim = :rolloutId',
        ExpressionAttributeNames: { '#status': 'status', '#reason': 'statusReason', '#updatedAt': 'updatedAt', '#claim': ROLLOUT_CLAIM_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':active': 'ACTIVE',
          ':updating': 'UPDATING',
          ':rolloutId': rolloutId,
          ':reason': trimStatusReason(`rollout ${rolloutId} stopped before its job ended: ${reason}`),
          ':now': new Date().toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      return false;
    }
    throw error;
  }
}
