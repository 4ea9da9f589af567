/**
 * The tenant's users in Cognito. In the pooled user pool a tenant's users are the members
 * of group `tenant-<tenantId>`. A silo tenant has a user pool of its own, so every user of
 * that pool belongs to it.
 */
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  ListUsersCommand,
  ListUsersCommandOutput,
  ListUsersInGroupCommand,
  ListUsersInGroupCommandOutput,
  UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { logger } from '../../shared/powertools';
import { tenantGroupName } from '../../shared/tenant';

export { tenantGroupName };

function isNamed(error: unknown, ...names: string[]): boolean {
  return names.includes((error as Error | undefined)?.name ?? '');
}

/** Creates the tenant group unless it exists; returns true when it was created. */
export async function ensureTenantGroup(userPoolId: string, tenantId: string, tier: string): Promise<boolean> {
  const groupName = tenantGroupName(tenantId);
  // CreateGroup fails with GroupExistsException on AWS, so a retry must look first.
  try {
    await cognitoClient().send(new GetGroupCommand({ UserPoolId: userPoolId, GroupName: groupName }));
    logger.info('tenant group already exists', { groupName, userPoolId });
    return false;
  } catch (error) {
    if (!isNamed(error, 'ResourceNotFoundException')) {
      throw error;
    }
  }

  try {
    await cognitoClient().send(
      new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: groupName, Description: `Users of tenant ${tenantId} (tier ${tier})` }),
    );
    logger.info('tenant group created', { groupName, userPoolId });
    return true;
  } catch (error) {
    if (isNamed(error, 'GroupExistsException')) {
      return false;
    }
    throw error;
  }
}

/** Lists every member of the tenant group; an absent group has no members. */
export async function listTenantGroupUsers(userPoolId: string, tenantId: string): Promise<UserType[]> {
  const users: UserType[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page: ListUsersInGroupCommandOutput = await cognitoClient().send(
        new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: tenantGroupName(tenantId), Limit: 60, NextToken: nextToken }),
      );
      users.push(...(page.Users ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) {
      logger.warn('tenant group does not exist, so the tenant has no pooled users', { groupName: tenantGroupName(tenantId), userPoolId });
      return [];
    }
    throw error;
  }
  return users;
}

/** Lists every user of a user pool, for a silo tenant's own pool. */
export async function listPoolUsers(userPoolId: string): Promise<UserType[]> {
  const users: UserType[] = [];
  let paginationToken: string | undefined;
  do {
    const page: ListUsersCommandOutput = await cognitoClient().send(
      new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60, PaginationToken: paginationToken }),
    );
    users.push(...(page.Users ?? []));
    paginationToken = page.PaginationToken;
  } while (paginationToken);
  return users;
}

/** Enables or disables one user; a user deleted meanwhile is skipped. */
export async function setUserEnabled(userPoolId: string, username: string, enabled: boolean): Promise<boolean> {
  const command = enabled
    ? new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username })
    : new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username });
  try {
    await cognitoClient().send(command);
    return true;
  } catch (error) {
    if (isNamed(error, 'UserNotFoundException')) {
      logger.warn('user not found while changing its access; skipped', { username, userPoolId });
      return false;
    }
    throw error;
  }
}

/** Deletes one user; returns false when it did not exist. */
export async function deleteUser(userPoolId: string, username: string): Promise<boolean> {
  try {
    await cognitoClient().send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
    return true;
  } catch (error) {
    if (isNamed(error, 'UserNotFoundException')) {
      return false;
    }
    throw error;
  }
}

/** Deletes the tenant group; returns false when it did not exist. */
export async function deleteTenantGroup(userPoolId: string, tenantId: string): Promise<boolean> {
  try {
    await cognitoClient().send(new DeleteGroupCommand({ UserPoolId: userPoolId, GroupName: tenantGroupName(tenantId) }));
    return true;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) {
      return false;
    }
    throw error;
  }
}

/** Value of a user attribute, such as `custom:tenantId`. */
export function userAttribute(user: Pick<UserType, 'Attributes'>, name: string): string | undefined {
  return user.Attributes?.find((attribute) => attribute.Name === name)?.Value;
}
