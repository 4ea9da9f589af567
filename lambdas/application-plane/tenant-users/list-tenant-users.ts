/**
 * GET /users?limit=&cursor=: lists the users of the caller's tenant a page at a time (at
 * most 60, Cognito's page limit). The cursor wraps Cognito's pagination token together with
 * the tenant id, so a cursor of another tenant is rejected.
 */
import { ListUsersCommand, ListUsersInGroupCommand, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { BadRequestError, jsonResponse } from '../../shared/http';
import { logger } from '../../shared/powertools';
import { serviceSettings } from '../shared/app-environment';
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { belongsToTenant, tenantGroupName, tenantUserResponse, userPoolId } from './tenant-user-directory';

const MAX_PAGE_SIZE = 60;

export const handler = tenantApiHandler('tenant-user-list', async ({ event, tenant }) => {
  const query = event.queryStringParameters ?? {};
  let limit = MAX_PAGE_SIZE;
  if (query.limit !== undefined && query.limit !== null) {
    if (!/^\d{1,2}$/.test(query.limit) || Number(query.limit) < 1 || Number(query.limit) > MAX_PAGE_SIZE) {
      throw new BadRequestError(`limit "${query.limit}" must be a whole number from 1 to ${MAX_PAGE_SIZE}`, 'limit');
    }
    limit = Number(query.limit);
  }
  const token = query.cursor ? decodeUserCursor(query.cursor, tenant.tenantId) : undefined;

  let users: UserType[];
  let nextToken: string | undefined;
  if (serviceSettings().model === 'pool') {
    const page = await cognitoClient().send(
      new ListUsersInGroupCommand({ UserPoolId: userPoolId(), GroupName: tenantGroupName(tenant.tenantId), Limit: limit, NextToken: token }),
    );
    users = page.Users ?? [];
    nextToken = page.NextToken;
  } else {
    const page = await cognitoClient().send(new ListUsersCommand({ UserPoolId: userPoolId(), Limit: limit, PaginationToken: token }));
    users = page.Users ?? [];
    nextToken = page.PaginationToken;
  }

  const own = users.filter((user) => belongsToTenant(user, tenant.tenantId));
  if (own.length < users.length) {
    logger.warn('tenant listing contained users of another tenant; they were left out', { count: users.length - own.length });
  }
  return jsonResponse(200, {
    items: own.map(tenantUserResponse),
    ...(nextToken ? { nextCursor: encodeUserCursor(tenant.tenantId, nextToken) } : {}),
  });
});

function encodeUserCursor(tenantId: string, token: string): string {
  return Buffer.from(JSON.stringify({ tenantId, token }), 'utf8').toString('base64url');
}

function decodeUserCursor(cursor: string, tenantId: string): string {
  const invalid = new BadRequestError('cursor is invalid: pass the nextCursor of your previous response unchanged, or leave it out for the first page', 'cursor');
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(cursor)) {
    throw invalid;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const value = parsed as { tenantId?: unknown; token?: unknown };
  if (typeof value !== 'object' || value === null || value.tenantId !== tenantId || typeof value.token !== 'string' || value.token === '') {
    throw invalid;
  }
  return value.token;
}
