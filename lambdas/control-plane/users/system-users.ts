/**
 * Control-plane (system) users: the people and machines that operate the platform, kept in
 * the control-plane user pool (CONTROL_PLANE_USER_POOL_ID). A role is a Cognito group,
 * `SystemAdmin` or `SystemSupport`, mirrored in the `custom:userRole` attribute so tokens
 * carry it. Events about these users carry the reserved tenant id `system`.
 */
import type { AttributeType } from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { ENV, requireEnv } from '../../shared/environment';
import { publishEvent } from '../../shared/event-publisher';
import { ConflictError, HttpError, NotFoundError } from '../../shared/http';
import type { ApiEvent } from '../../shared/http-handler';
import { SYSTEM_TENANT_ID } from '../../shared/tenant';

export const SYSTEM_ROLES = ['SystemAdmin', 'SystemSupport'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export const ROLE_ATTRIBUTE = 'custom:userRole';

/** Cognito user names here: 3 to 128 letters, digits and `. _ @ + -`. */
const USER_NAME_PATTERN = /^[A-Za-z0-9._@+-]{3,128}$/;

export const userNameSchema = z
  .string()
  .regex(USER_NAME_PATTERN, 'must be 3 to 128 characters of letters, digits and . _ @ + -');

export const userRoleSchema = z.enum(SYSTEM_ROLES, { error: `must be one of ${SYSTEM_ROLES.join(', ')}` });

/** Path of the `/users/{userName}` routes; a malformed name is reported as not found by `checkUserName`. */
export const userPath = z.strictObject({ userName: z.string() });

export function userPoolId(): string {
  return requireEnv(ENV.controlPlaneUserPoolId);
}

/** Throws the 404 of an unknown user when `userName` cannot be a user name, so no request reaches Cognito. */
export function checkUserName(userName: string): string {
  if (!USER_NAME_PATTERN.test(userName)) {
    throw userNotFound(userName);
  }
  return userName;
}

export function userNotFound(userName: string): NotFoundError {
  return new NotFoundError(`user ${JSON.stringify(userName.slice(0, 128))} was not found; list users with GET /users`, 'userName');
}

/** Maps Cognito's not-found error to a 404 naming `userName`; other errors propagate. */
export function rethrowCognitoError(error: unknown, userName: string): never {
  if ((error as Error).name === 'UserNotFoundException') {
    throw userNotFound(userName);
  }
  throw error;
}

/** Returns the caller's user name from the access token (`username`) or ID token (`cognito:username`) claims. */
export function callerUserName(event: ApiEvent): string | undefined {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const name = claims?.username ?? claims?.['cognito:username'];
  return typeof name === 'string' ? name : undefined;
}

/** Rejects an operation on the caller's own user, so an admin cannot lock themselves out. */
export function rejectSelf(event: ApiEvent, userName: string, operation: string): void {
  if (callerUserName(event) === userName) {
    throw new ConflictError(`you cannot ${operation} your own user ${JSON.stringify(userName)}; ask another SystemAdmin`, 'userName');
  }
}

export interface SystemUserView {
  readonly userName: string;
  readonly email?: string;
  readonly userRole?: string;
  readonly enabled?: boolean;
  /** Cognito's user status, such as FORCE_CHANGE_PASSWORD or CONFIRMED. */
  readonly status?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

export function toUserView(user: {
  Username?: string;
  Attributes?: AttributeType[];
  UserAttributes?: AttributeType[];
  Enabled?: boolean;
  UserStatus?: string;
  UserCreateDate?: Date;
  UserLastModifiedDate?: Date;
}): SystemUserView {
  const attributes = user.Attributes ?? user.UserAttributes ?? [];
  const attribute = (name: string) => attributes.find((candidate) => candidate.Name === name)?.Value;
  return {
    userName: user.Username ?? '',
    email: attribute('email'),
    userRole: attribute(ROLE_ATTRIBUTE),
    enabled: user.Enabled,
    status: user.UserStatus,
    createdAt: user.UserCreateDate?.toISOString(),
    updatedAt: user.UserLastModifiedDate?.toISOString(),
  };
}

/** Emits `sbt_aws_tenantUserCreated` or `sbt_aws_tenantUserDeleted` for a system user. */
export async function publishUserEvent(detailType: 'sbt_aws_tenantUserCreated' | 'sbt_aws_tenantUserDeleted', userName: string, userRole: string | undefined): Promise<void> {
  await publishEvent(detailType, { tenantId: SYSTEM_TENANT_ID, userName, ...(userRole ? { userRole } : {}) });
}

/** Builds the 500 for a user operation that failed after an earlier step succeeded; the message names the outcome. */
export function partialFailure(message: string): HttpError {
  return new HttpError(500, message);
}
