/**
 * `DELETE /users/{userName}`: deletes a control-plane user and emits
 * `sbt_aws_tenantUserDeleted` with its role, then returns 204.
 */
import { AdminDeleteUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { apiHandler } from '../../shared/http-handler';
import { logger } from '../../shared/powertools';
import { checkUserName, partialFailure, publishUserEvent, rejectSelf, rethrowCognitoError, toUserView, userPath, userPoolId } from './system-users';

export const handler = apiHandler({ name: 'users-delete', path: userPath }, async ({ event, path }) => {
  const userName = checkUserName(path.userName);
  rejectSelf(event, userName, 'delete');
  const poolId = userPoolId();
  const client = cognitoClient();

  let userRole: string | undefined;
  try {
    userRole = toUserView(await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: userName }))).userRole;
    await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: userName }));
  } catch (error) {
    rethrowCognitoError(error, userName);
  }

  try {
    await publishUserEvent('sbt_aws_tenantUserDeleted', userName, userRole);
  } catch (error) {
    // NOTE: the user is gone but consumers of sbt_aws_tenantUserDeleted never hear of it; the error log line is the only record.
    logger.error('user deleted but the tenantUserDeleted event was not sent', error as Error);
    throw partialFailure(`user ${JSON.stringify(userName)} was deleted, but the deletion event could not be sent; report this to an operator`);
  }
  return { statusCode: 204, headers: {}, body: '' };
});
