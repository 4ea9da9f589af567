/**
 * `GET /tenants?limit=&cursor=&status=&tier=`: lists tenants newest first, a page at a time,
 * by querying one registry index and never scanning the table:
 * - no filter: `by-created` (every tenant has `listPartition = TENANT`);
 * - `status`: `by-status`; `tier`: `by-tier`;
 * - `status` and `tier`: `by-status` with a filter on `tier`, paging through the index until
 *   the page is full, the index is exhausted or `MAX_QUERIES_PER_PAGE` queries have run.
 * `nextCursor` is present when more tenants may follow. A filtered page can hold fewer than
 * `limit` tenants and still have a `nextCursor`.
 */
import { QueryCommand, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { TENANT_ID_PATTERN } from '../../../config/naming';
import { documentClient } from '../../shared/aws-clients';
import { decodeCursor, encodeCursor } from '../../shared/cursor';
import { BadRequestError, jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { tenantsTableName } from '../../shared/registry';
import { REGISTRY_SCHEMA, TENANT_STATUSES, TenantRecord } from '../../shared/tenant';
import { findConfiguredTier } from '../../shared/tenant-fields';
import { toTenantView } from './tenant-view';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
/** Upper bound on index queries behind one filtered page, so one request stays short. */
export const MAX_QUERIES_PER_PAGE = 10;

const query = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`).max(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`))
    .optional(),
  cursor: z.string().optional(),
  status: z.string().optional(),
  tier: z.string().optional(),
});

interface IndexQuery {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly partitionValue: string;
  readonly tierFilter?: string;
}

export const handler = apiHandler({ name: 'tenants-list', query }, async ({ query: params }) => {
  const limit = params.limit ?? DEFAULT_PAGE_SIZE;
  const target = chooseIndex(params.status, params.tier);
  const keyNames = [REGISTRY_SCHEMA.tenants.partitionKey, target.partitionKey, 'createdAt'];
  let startKey = params.cursor === undefined ? undefined : checkCursorKey(decodeCursor(params.cursor, keyNames), target);

  const tenants: TenantRecord[] = [];
  let nextKey: Record<string, unknown> | undefined;
  for (let queries = 0; queries < MAX_QUERIES_PER_PAGE; queries += 1) {
    // Reading one item past the page shows whether another page exists, so the last page is never empty.
    const remaining = limit - tenants.length + 1;
    const input: QueryCommandInput = {
      TableName: tenantsTableName(),
      IndexName: target.indexName,
      KeyConditionExpression: '#partition = :partition',
      ExpressionAttributeNames: { '#partition': target.partitionKey, ...(target.tierFilter ? { '#tier': 'tier' } : {}) },
      ExpressionAttributeValues: { ':partition': target.partitionValue, ...(target.tierFilter ? { ':tier': target.tierFilter } : {}) },
      ...(target.tierFilter ? { FilterExpression: '#tier = :tier' } : {}),
      ScanIndexForward: false,
      Limit: target.tierFilter ? MAX_PAGE_SIZE : remaining,
      ExclusiveStartKey: startKey,
    };
    const page = await documentClient().send(new QueryCommand(input));
    tenants.push(...((page.Items ?? []) as TenantRecord[]));
    startKey = page.LastEvaluatedKey;

    if (tenants.length > limit) {
      nextKey = keyOf(tenants[limit - 1], target.partitionKey);
      break;
    }
    if (!startKey) {
      break;
    }
    nextKey = startKey;
  }

  const pageItems = tenants.slice(0, limit);
  // With exactly `limit` tenants read and the index exhausted, no page follows.
  const hasMore = tenants.length > limit || startKey !== undefined;
  return jsonResponse(200, {
    tenants: pageItems.map(toTenantView),
    ...(hasMore && nextKey ? { nextCursor: encodeCursor(nextKey) } : {}),
  });
});

function chooseIndex(status: string | undefined, tier: string | undefined): IndexQuery {
  const indexes = REGISTRY_SCHEMA.tenants.indexes;
  if (status !== undefined && !(TENANT_STATUSES as readonly string[]).includes(status)) {
    throw new BadRequestError(`status ${JSON.stringify(status.slice(0, 64))} is not one of ${TENANT_STATUSES.join(', ')}`, 'status');
  }
  if (tier !== undefined) {
    findConfiguredTier(tier, 'tier');
  }

  if (status !== undefined) {
    return { indexName: indexes.byStatus.name, partitionKey: indexes.byStatus.partitionKey, partitionValue: status, tierFilter: tier };
  }
  if (tier !== undefined) {
    return { indexName: indexes.byTier.name, partitionKey: indexes.byTier.partitionKey, partitionValue: tier };
  }
  return { indexName: indexes.byCreated.name, partitionKey: indexes.byCreated.partitionKey, partitionValue: 'TENANT' };
}

/** Checks that a decoded cursor was made by a listing with the same index and filter value. */
function checkCursorKey(key: Record<string, string>, target: IndexQuery): Record<string, string> {
  if (key[target.partitionKey] !== target.partitionValue) {
    throw new BadRequestError('cursor is invalid: it belongs to a listing with other filters; repeat the filters of the request that returned it', 'cursor');
  }
  if (!TENANT_ID_PATTERN.test(key.tenantId) || Number.isNaN(Date.parse(key.createdAt))) {
    throw new BadRequestError('cursor is invalid: its key does not name a tenant; pass the nextCursor of a previous response unchanged', 'cursor');
  }
  return key;
}

/** Builds the index key of a tenant: the table key plus the index's partition and sort key. */
function keyOf(tenant: TenantRecord, partitionKey: string): Record<string, unknown> {
  return { tenantId: tenant.tenantId, [partitionKey]: tenant[partitionKey], createdAt: tenant.createdAt };
}
