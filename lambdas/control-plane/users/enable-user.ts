/** `POST /users/{userName}/enable`: enables a disabled control-plane user. */
import { AdminEnableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { checkUserName, rethrowCognitoError, userPath, userPoolId } from './system-users';

export const handler = apiHandler({ name: 'users-enable', path: userPath }, async ({ path }) => {
  const userName = checkUserName(path.userName);
  try {
    await cognitoClient().send(new AdminEnableUserCommand({ UserPoolId: userPoolId(), Username: userName }));
  } catch (error) {
    rethrowCognitoError(error, userName);
  }
  return jsonResponse(200, { userName, enabled: true });
});
