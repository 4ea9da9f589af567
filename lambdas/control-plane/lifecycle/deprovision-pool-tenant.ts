/**
 * Removes a pooled tenant from the shared application plane: its items in the pooled
 * products and orders tables, its API key, its users and its group. Items are found with
 * a Query on the tenant's partition key (never a Scan) and deleted 25 at a time with
 * BatchWriteItem, retrying unprocessed items with backoff. Every step tolerates what an
 * earlier attempt already removed, so the task can be retried.
 */
import type { Context } from 'aws-lambda';
import { BatchWriteCommand, BatchWriteCommandOutput, QueryCommand, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { documentClient } from '../../shared/aws-clients';
import { logger } from '../../shared/powertools';
import { SERVICE_TABLES } from '../../../constructs/shared/table-specs';
import { applicationPlaneSettings } from './application-plane-settings';
import { executionIdSchema, parseLifecycleInput, sleep, startInvocation } from './lifecycle-handler';
import { deleteApiKey, findApiKeyByName, tenantApiKeyName } from './tenant-api-keys';
import { deleteTenantGroup, deleteUser, listTenantGroupUsers } from './tenant-users';

const HANDLER_ID = 'lifecycle-deprovision-pool';

/** Largest number of requests BatchWriteItem accepts in one call. */
const BATCH_SIZE = 25;
/** Attempts to write the unprocessed items of one batch before giving up. */
const MAX_BATCH_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 50;

const inputSchema = z.object({
  tenant: z.object({
    tenantId: z.string().min(1),
    tier: z.string().min(1),
    outputs: z.looseObject({ apiKeyId: z.string().optional() }).optional(),
  }),
  executionId: executionIdSchema,
});

export interface DeprovisionPoolResult {
  readonly productsDeleted: number;
  readonly ordersDeleted: number;
  readonly apiKeyDeleted: boolean;
  readonly usersDeleted: number;
  readonly groupDeleted: boolean;
}

export const handler = async (input: unknown, context?: Context): Promise<DeprovisionPoolResult> => {
  const { tenant, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  const { tenantId, tier } = tenant;
  startInvocation(context, { tenantId, tier, executionId });

  const settings = await applicationPlaneSettings();
  const productsDeleted = await deleteTenantItems(settings.productsTable, SERVICE_TABLES.products.sortKey.name, tenantId);
  const ordersDeleted = await deleteTenantItems(settings.ordersTable, SERVICE_TABLES.orders.sortKey.name, tenantId);

  const apiKeyDeleted = await removeApiKey(tenantId, tenant.outputs?.apiKeyId);

  let usersDeleted = 0;
  for (const user of await listTenantGroupUsers(settings.userPoolId, tenantId)) {
    if (user.Username && (await deleteUser(settings.userPoolId, user.Username))) {
      usersDeleted += 1;
    }
  }
  const groupDeleted = await deleteTenantGroup(settings.userPoolId, tenantId);

  const result = { productsDeleted, ordersDeleted, apiKeyDeleted, usersDeleted, groupDeleted };
  logger.info('pooled tenant deprovisioned', { ...result });
  return result;
};

/** Deletes every item whose partition key is `tenantId`; returns how many were deleted. */
export async function deleteTenantItems(tableName: string, sortKeyName: string, tenantId: string): Promise<number> {
  const partitionKeyName = SERVICE_TABLES.products.partitionKey.name;
  let deleted = 0;
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await documentClient().send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :tenantId',
        ExpressionAttributeNames: { '#pk': partitionKeyName, '#sk': sortKeyName },
        ExpressionAttributeValues: { ':tenantId': tenantId },
        ProjectionExpression: '#pk, #sk',
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    const keys = (page.Items ?? []).map((item) => ({ [partitionKeyName]: item[partitionKeyName], [sortKeyName]: item[sortKeyName] }));
    for (let start = 0; start < keys.length; start += BATCH_SIZE) {
      await deleteBatch(tableName, keys.slice(start, start + BATCH_SIZE));
    }
    deleted += keys.length;
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);

  logger.info('tenant items deleted', { tableName, deleted });
  return deleted;
}

async function deleteBatch(tableName: string, keys: Record<string, unknown>[]): Promise<void> {
  let requests = keys.map((key) => ({ DeleteRequest: { Key: key } }));
  for (let attempt = 1; requests.length > 0; attempt += 1) {
    if (attempt > MAX_BATCH_ATTEMPTS) {
      throw new Error(
        `${requests.length} items of table ${tableName} stayed unprocessed after ${MAX_BATCH_ATTEMPTS} BatchWriteItem attempts; retry the offboarding`,
      );
    }
    if (attempt > 1) {
      // Exponential backoff with full jitter, as the DynamoDB documentation advises for unprocessed items.
      await sleep(Math.random() * BASE_BACKOFF_MS * 2 ** (attempt - 1));
    }
    const result: BatchWriteCommandOutput = await documentClient().send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
    requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
  }
}

async function removeApiKey(tenantId: string, storedKeyId: string | undefined): Promise<boolean> {
  const keyId = storedKeyId ?? (await findApiKeyByName(tenantApiKeyName(tenantId)))?.id;
  if (!keyId) {
    logger.warn('tenant has no API key to delete', { apiKeyName: tenantApiKeyName(tenantId) });
    return false;
  }
  return deleteApiKey(keyId);
}
