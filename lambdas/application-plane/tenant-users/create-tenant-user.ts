/**
 * POST /users: a tenant admin creates a user of their own tenant. The body names the user
 * and their role: `{email, userRole, userName?}`. The tenant id and tier come from the
 * caller's authorizer context, never from the body. The platform writes them into
 * `custom:tenantId` and `custom:tenantTier`, so the new user can call the API.
 * Cognito emails the user a temporary password. A taken user name is a 409 naming `userName`.
 */
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { BadRequestError, ConflictError, jsonResponse } from '../../shared/http';
import { logger } from '../../shared/powertools';
import { parseJsonObject, rejectUnknownFields, requiredString, optionalString } from '../shared/json-body';
import { serviceSettings } from '../shared/app-environment';
import { isTenantRole, TENANT_ROLES } from '../shared/routes';
import { tenantApiHandler } from '../shared/tenant-api-handler';
import { TENANT_ATTRIBUTES, tenantGroupName, tenantUserResponse, userPoolId } from './tenant-user-directory';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Characters Cognito accepts in a user name, restricted to printable ASCII without spaces. */
const USER_NAME_PATTERN = /^[\w.@+-]+$/;

export const handler = tenantApiHandler('tenant-user-create', async ({ event, tenant, countMetric }) => {
  const body = parseJsonObject(event);
  rejectUnknownFields(body, ['email', 'userRole', 'userName']);
  const email = requiredString(body, 'email', { max: 254, pattern: EMAIL_PATTERN, patternHint: 'it must be an e-mail address such as ana@example.com' });
  const userName =
    optionalString(body, 'userName', { max: 128, pattern: USER_NAME_PATTERN, patternHint: 'use letters, digits and . _ @ + -' }) ?? email;
  const userRole = body.userRole;
  if (!isTenantRole(userRole)) {
    throw new BadRequestError(`userRole ${JSON.stringify(userRole) ?? 'is missing and'} must be one of ${TENANT_ROLES.join(', ')}`, 'userRole');
  }

  const poolId = userPoolId();
  let created;
  try {
    created = await cognitoClient().send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: userName,
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: TENANT_ATTRIBUTES.tenantId, Value: tenant.tenantId },
          { Name: TENANT_ATTRIBUTES.tenantTier, Value: tenant.tier },
          { Name: TENANT_ATTRIBUTES.userRole, Value: userRole },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'UsernameExistsException') {
      throw new ConflictError(`user name ${userName} is taken; choose another userName`, 'userName');
    }
    if ((error as Error).name === 'InvalidParameterException') {
      // Such as a user name that is not an e-mail address in a pool that signs in by e-mail.
      throw new BadRequestError(`the user pool rejected user ${userName}: ${(error as Error).message}`, 'userName');
    }
    throw error;
  }

  const groups = serviceSettings().model === 'pool' ? [tenantGroupName(tenant.tenantId), userRole] : [userRole];
  try {
    for (const group of groups) {
      await cognitoClient().send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: userName, GroupName: group }));
    }
  } catch (error) {
    // A user outside the tenant's group would be invisible to the tenant admin, so undo the creation.
    // NOTE: if this delete fails too, the user stays in the pool outside its groups until an operator removes it.
    logger.error('adding the new user to its groups failed; deleting the user', { userName, groups, error: error as Error });
    await cognitoClient().send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: userName }));
    throw error;
  }

  countMetric('TenantUserCreated');
  logger.info('tenant user created', { userName, userRole });
  return jsonResponse(201, tenantUserResponse(created.User ?? { Username: userName }));
});
