/**
 * The users of one tenant in Cognito, as the tenant-user routes list and change them. In
 * the pool, the tenant's users are the members of group `tenant-<tenantId>` of the pooled
 * user pool. In a silo, they are every user of the tenant's own pool. In both, the
 * `custom:tenantId` attribute decides ownership, because the platform sets it and no app
 * client may write it. A user whose attribute names another tenant is treated as not found.
 */
import { AdminGetUserCommand, AttributeType, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { ENV, requireEnv } from '../../shared/environment';
import { NotFoundError } from '../../shared/http';
import { logger } from '../../shared/powertools';
import { tenantGroupName } from '../../shared/tenant';

export const TENANT_ATTRIBUTES = {
  tenantId: 'custom:tenantId',
  tenantTier: 'custom:tenantTier',
  userRole: 'custom:userRole',
} as const;

export { tenantGroupName };

export function userPoolId(): string {
  return requireEnv(ENV.userPoolId);
}

export interface TenantUserResponse {
  readonly userName: string;
  readonly email?: string;
  readonly userRole?: string;
  readonly enabled: boolean;
  /** Cognito's user status, such as CONFIRMED or FORCE_CHANGE_PASSWORD. */
  readonly status?: string;
  readonly createdAt?: string;
}

export function attributeValue(attributes: readonly AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((attribute) => attribute.Name === name)?.Value;
}

export function tenantUserResponse(user: { Username?: string; Attributes?: AttributeType[]; UserAttributes?: AttributeType[]; Enabled?: boolean; UserStatus?: string; UserCreateDate?: Date }): TenantUserResponse {
  const attributes = user.Attributes ?? user.UserAttributes;
  return {
    userName: String(user.Username),
    email: attributeValue(attributes, 'email'),
    userRole: attributeValue(attributes, TENANT_ATTRIBUTES.userRole),
    enabled: user.Enabled !== false,
    status: user.UserStatus,
    createdAt: user.UserCreateDate?.toISOString(),
  };
}

/** True when `user` belongs to `tenantId` by its platform-set attribute. */
export function belongsToTenant(user: Pick<UserType, 'Attributes'>, tenantId: string): boolean {
  return attributeValue(user.Attributes, TENANT_ATTRIBUTES.tenantId) === tenantId;
}

/**
 * Reads user `userName` and returns it if it belongs to `tenantId`. A user of another
 * tenant gets the same 404 as a user that does not exist, so user names of other tenants
 * cannot be probed.
 */
export async function findTenantUser(tenantId: string, userName: string): Promise<TenantUserResponse> {
  let user;
  try {
    user = await cognitoClient().send(new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: userName }));
  } catch (error) {
    if ((error as Error).name === 'UserNotFoundException') {
      throw new NotFoundError(`user ${userName} was not found in your tenant`, 'userName');
    }
    throw error;
  }

  if (attributeValue(user.UserAttributes, TENANT_ATTRIBUTES.tenantId) !== tenantId) {
    logger.warn('tenant admin addressed a user of another tenant', { userName });
    throw new NotFoundError(`user ${userName} was not found in your tenant`, 'userName');
  }
  return tenantUserResponse(user);
}
