/**
 * Paginated listing of one tenant's partition: `limit` (1 to 100, default 25) and an opaque
 * `cursor` from the previous page's `nextCursor`. A cursor names a key in the caller's own
 * partition only, so a cursor of another tenant or another listing is a 400.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BadRequestError } from '../../shared/http';
import { decodeCursor, encodeCursor } from '../../shared/cursor';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  readonly limit: number;
  readonly exclusiveStartKey?: Record<string, string>;
}

export interface Page<T> {
  readonly items: T[];
  /** Present when more items may follow; pass it as `cursor` to get the next page. */
  readonly nextCursor?: string;
}

/** Reads `limit` and `cursor` from the query string of a listing on `sortKey` for `tenantId`. */
export function readPageRequest(event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>, tenantId: string, sortKey: string): PageRequest {
  const query = event.queryStringParameters ?? {};

  let limit = DEFAULT_PAGE_SIZE;
  if (query.limit !== undefined && query.limit !== null) {
    if (!/^\d{1,3}$/.test(query.limit) || Number(query.limit) < 1 || Number(query.limit) > MAX_PAGE_SIZE) {
      throw new BadRequestError(`limit "${query.limit}" must be a whole number from 1 to ${MAX_PAGE_SIZE}`, 'limit');
    }
    limit = Number(query.limit);
  }

  if (query.cursor === undefined || query.cursor === null) {
    return { limit };
  }
  const key = decodeCursor(query.cursor, ['tenantId', sortKey]);
  if (key.tenantId !== tenantId) {
    throw new BadRequestError('cursor is invalid: it belongs to another listing; pass the nextCursor of your previous response unchanged', 'cursor');
  }
  return { limit, exclusiveStartKey: key };
}

/** Queries one page of the tenant's partition of `tableName`, in sort-key order. */
export async function queryTenantPage(
  db: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  page: PageRequest,
): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> {
  const result = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'tenantId = :tenantId',
      ExpressionAttributeValues: { ':tenantId': tenantId },
      Limit: page.limit,
      ExclusiveStartKey: page.exclusiveStartKey,
    }),
  );
  const lastKey = result.LastEvaluatedKey;
  return {
    items: (result.Items ?? []) as Record<string, unknown>[],
    nextCursor: lastKey ? encodeCursor(lastKey) : undefined,
  };
}
