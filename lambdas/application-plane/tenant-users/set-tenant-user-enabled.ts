/**
 * Shared body of POST /users/{userName}/disable and /enable: checks that the user belongs
 * to the caller's tenant (404 otherwise) and that an admin does not disable their own user,
 * then changes the user's enabled state in Cognito.
 */
import { AdminDisableUserCommand, AdminEnableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { BadRequestError, jsonResponse } from '../../shared/http';
import { logger } from '../../shared/powertools';
import { pathParameter, TenantRequest } from '../shared/tenant-api-handler';
import { findTenantUser, userPoolId } from './tenant-user-directory';

export async function setTenantUserEnabled({ event, tenant, countMetric }: TenantRequest, enabled: boolean) {
  const requestedName = pathParameter(event, 'userName');
  // The path may name the user by an alias such as the e-mail address; Cognito returns the user name.
  const user = await findTenantUser(tenant.tenantId, requestedName);
  const userName = user.userName;
  if (!enabled && userName === tenant.userName) {
    throw new BadRequestError('you cannot disable your own user; ask another tenant admin to do it', 'userName');
  }

  const command = enabled
    ? new AdminEnableUserCommand({ UserPoolId: userPoolId(), Username: userName })
    : new AdminDisableUserCommand({ UserPoolId: userPoolId(), Username: userName });
  await cognitoClient().send(command);

  countMetric(enabled ? 'TenantUserEnabled' : 'TenantUserDisabled');
  logger.info(enabled ? 'tenant user enabled' : 'tenant user disabled', { userName });
  return jsonResponse(200, { ...user, enabled });
}
