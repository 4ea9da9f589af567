/**
 * Reads and conditional writes of the rollouts table (name in ROLLOUTS_TABLE). The header
 * item's status only moves through `setRolloutStatus`, whose condition names the statuses
 * it may move from, so a retried Lambda or a second `approve` cannot apply a change twice.
 */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/aws-clients';
import { ENV, requireEnv } from '../../shared/environment';
import { isConditionalCheckFailure } from '../../shared/registry';
import { ROLLOUT_SCHEMA, RolloutHeader, RolloutStatus, RolloutTenantItem, WaveSummary, tenantItemKey } from './rollout-model';

/** BatchWriteItem accepts at most 25 requests. */
const BATCH_SIZE = 25;
const MAX_BATCH_ATTEMPTS = 8;

export function rolloutsTableName(): string {
  return requireEnv(ENV.rolloutsTable);
}

/**
 * Writes a new rollout: the header with a conditional put, then its tenant items. Returns
 * false when a header with this id exists, unless `isPlanRetry` finds it to be this
 * execution's own header from an earlier attempt (a retried Lambda). Then the header is
 * kept and the tenant items are written again, which is safe because they are the same.
 */
export async function createRollout(header: RolloutHeader & { executionId: string }, tenants: readonly RolloutTenantItem[]): Promise<boolean> {
  const table = rolloutsTableName();
  try {
    await documentClient().send(
      new PutCommand({
        TableName: table,
        Item: header,
        ConditionExpression: 'attribute_not_exists(#rolloutId)',
        ExpressionAttributeNames: { '#rolloutId': ROLLOUT_SCHEMA.partitionKey },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailure(error)) {
      throw error;
    }
    const existing = await getRolloutHeader(header.rolloutId);
    if (!existing || !(await isPlanRetry(existing, header.executionId))) {
      return false;
    }
  }

  await batchPut(table, tenants);
  return true;
}

/**
 * Returns whether `existing` is the header that an earlier attempt of the plan step of
 * execution `executionId` wrote. The execution ARN alone does not prove it. The ARN is made
 * from the state machine and the execution name, which is the rollout id. The local runner
 * gives every run of a name the same ARN, and Step Functions keeps a name unique for 90
 * days only, then lets it be used again (StartExecution API reference).
 *
 * So the rollout must also look as the plan step left it: RUNNING, with every wave and every
 * tenant item still PENDING (or SKIPPED, for tenants the plan skipped). An earlier execution
 * of the same id that passes this check ended before it updated any tenant, so rewriting
 * its items loses nothing.
 */
async function isPlanRetry(existing: RolloutHeader, executionId: string): Promise<boolean> {
  if ((existing as { executionId?: string }).executionId !== executionId || existing.status !== 'RUNNING') {
    return false;
  }
  if (!existing.waves.every((wave) => wave.status === 'PENDING')) {
    return false;
  }
  const items = await listRolloutTenants(existing.rolloutId);
  return items.every((item) => item.result === 'PENDING' || item.result === 'SKIPPED');
}

async function batchPut(table: string, items: readonly object[]): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    let requests = items.slice(start, start + BATCH_SIZE).map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 1; requests.length > 0; attempt += 1) {
      if (attempt > MAX_BATCH_ATTEMPTS) {
        throw new Error(`DynamoDB left ${requests.length} rollout items unprocessed after ${MAX_BATCH_ATTEMPTS} attempts on table ${table}`);
      }
      const result = await documentClient().send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }
}

export async function getRolloutHeader(rolloutId: string): Promise<RolloutHeader | undefined> {
  const result = await documentClient().send(
    new GetCommand({
      TableName: rolloutsTableName(),
      Key: { [ROLLOUT_SCHEMA.partitionKey]: rolloutId, [ROLLOUT_SCHEMA.sortKey]: ROLLOUT_SCHEMA.headerItemKey },
      ConsistentRead: true,
    }),
  );
  return result.Item as RolloutHeader | undefined;
}

/** Reads every tenant item of a rollout, a page at a time. */
export async function listRolloutTenants(rolloutId: string): Promise<RolloutTenantItem[]> {
  const items: RolloutTenantItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: rolloutsTableName(),
        KeyConditionExpression: '#pk = :rolloutId AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': ROLLOUT_SCHEMA.partitionKey, '#sk': ROLLOUT_SCHEMA.sortKey },
        ExpressionAttributeValues: { ':rolloutId': rolloutId, ':prefix': ROLLOUT_SCHEMA.tenantItemPrefix },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as RolloutTenantItem[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Lists rollout headers, newest first. */
export async function listRollouts(limit = 20): Promise<RolloutHeader[]> {
  const page = await documentClient().send(
    new QueryCommand({
      TableName: rolloutsTableName(),
      IndexName: ROLLOUT_SCHEMA.listIndex.name,
      KeyConditionExpression: '#pk = :partition',
      ExpressionAttributeNames: { '#pk': ROLLOUT_SCHEMA.listIndex.partitionKey },
      ExpressionAttributeValues: { ':partition': ROLLOUT_SCHEMA.listPartition },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (page.Items ?? []) as RolloutHeader[];
}

export interface StatusChange {
  readonly from: readonly RolloutStatus[];
  readonly set?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
}

/**
 * Moves rollout `rolloutId` to `to` when its status is one of `change.from`, and returns
 * the updated header. Returns undefined when the rollout does not exist or is in another
 * status.
 */
export async function setRolloutStatus(rolloutId: string, to: RolloutStatus, change: StatusChange): Promise<RolloutHeader | undefined> {
  const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt', '#pk': ROLLOUT_SCHEMA.partitionKey };
  const values: Record<string, unknown> = { ':to': to, ':now': new Date().toISOString() };
  const assignments = ['#status = :to', '#updatedAt = :now'];
  let index = 0;
  for (const [name, value] of Object.entries(change.set ?? {})) {
    if (value === undefined) {
      continue;
    }
    names[`#s${index}`] = name;
    values[`:s${index}`] = value;
    assignments.push(`#s${index} = :s${index}`);
    index += 1;
  }
  const removals = (change.remove ?? []).map((name, position) => {
    names[`#r${position}`] = name;
    return `#r${position}`;
  });
  const fromPlaceholders = change.from.map((status, position) => {
    values[`:from${position}`] = status;
    return `:from${position}`;
  });

  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: rolloutsTableName(),
        Key: { [ROLLOUT_SCHEMA.partitionKey]: rolloutId, [ROLLOUT_SCHEMA.sortKey]: ROLLOUT_SCHEMA.headerItemKey },
        UpdateExpression: `SET ${assignments.join(', ')}${removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(#pk) AND #status IN (${fromPlaceholders.join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as RolloutHeader;
  } catch (error) {
    if (isConditionalCheckFailure(error)) {
      return undefined;
    }
    throw error;
  }
}

/** Replaces the summary of wave `waveIndex` (0-based) in the header. */
export async function setWaveSummary(rolloutId: string, waveIndex: number, summary: WaveSummary): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: rolloutsTableName(),
      Key: { [ROLLOUT_SCHEMA.partitionKey]: rolloutId, [ROLLOUT_SCHEMA.sortKey]: ROLLOUT_SCHEMA.headerItemKey },
      UpdateExpression: `SET #waves[${waveIndex}] = :summary, #updatedAt = :now`,
      ConditionExpression: 'attribute_exists(#waves)',
      ExpressionAttributeNames: { '#waves': 'waves', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':summary': summary, ':now': new Date().toISOString() },
    }),
  );
}

/** Writes the result fields of one tenant item; the item is created when it is missing. */
export async function setTenantResult(rolloutId: string, tenantId: string, fields: Partial<RolloutTenantItem>): Promise<void> {
  const names: Record<string, string> = { '#updatedAt': 'updatedAt', '#tenantId': 'tenantId' };
  const values: Record<string, unknown> = { ':now': new Date().toISOString(), ':tenantId': tenantId };
  const assignments = ['#updatedAt = :now', '#tenantId = :tenantId'];
  let index = 0;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || name === 'tenantId' || name === 'rolloutId' || name === 'itemKey' || name === 'updatedAt') {
      continue;
    }
    names[`#f${index}`] = name;
    values[`:f${index}`] = value;
    assignments.push(`#f${index} = :f${index}`);
    index += 1;
  }
  await documentClient().send(
    new UpdateCommand({
      TableName: rolloutsTableName(),
      Key: { [ROLLOUT_SCHEMA.partitionKey]: rolloutId, [ROLLOUT_SCHEMA.sortKey]: tenantItemKey(tenantId) },
      UpdateExpression: `SET ${assignments.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}
