/**
 * `GET /users?limit=&cursor=`: lists control-plane users a page at a time. The cursor wraps
 * Cognito's pagination token, so it is opaque and checked like the tenant cursors.
 */
import { ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { cognitoClient } from '../../shared/aws-clients';
import { decodeCursor, encodeCursor } from '../../shared/cursor';
import { BadRequestError, jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { toUserView, userPoolId } from './system-users';

/** ListUsers returns at most 60 users per call. */
export const MAX_USERS_PAGE_SIZE = 60;
export const DEFAULT_USERS_PAGE_SIZE = 25;

const limitMessage = `must be a whole number from 1 to ${MAX_USERS_PAGE_SIZE}`;
const query = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,2}$/, limitMessage)
    .transform(Number)
    .pipe(z.number().min(1, limitMessage).max(MAX_USERS_PAGE_SIZE, limitMessage))
    .optional(),
  cursor: z.string().optional(),
});

export const handler = apiHandler({ name: 'users-list', query }, async ({ query: params }) => {
  const paginationToken = params.cursor === undefined ? undefined : decodeCursor(params.cursor, ['paginationToken']).paginationToken;

  let page;
  try {
    page = await cognitoClient().send(
      new ListUsersCommand({ UserPoolId: userPoolId(), Limit: params.limit ?? DEFAULT_USERS_PAGE_SIZE, PaginationToken: paginationToken }),
    );
  } catch (error) {
    // Cognito rejects a pagination token it did not issue, or one that expired, as an invalid parameter.
    if (paginationToken !== undefined && (error as Error).name === 'InvalidParameterException') {
      throw new BadRequestError('cursor is invalid or expired; start again without a cursor', 'cursor');
    }
    throw error;
  }

  return jsonResponse(200, {
    users: (page.Users ?? []).map(toUserView),
    ...(page.PaginationToken ? { nextCursor: encodeCursor({ paginationToken: page.PaginationToken }) } : {}),
  });
});
