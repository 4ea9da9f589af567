/** `POST /users/{userName}/disable`: disables a control-plane user, so it can no longer sign in. */
import { AdminDisableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { checkUserName, rejectSelf, rethrowCognitoError, userPath, userPoolId } from './system-users';

export const handler = apiHandler({ name: 'users-disable', path: userPath }, async ({ event, path }) => {
  const userName = checkUserName(path.userName);
  rejectSelf(event, userName, 'disable');
  try {
    await cognitoClient().send(new AdminDisableUserCommand({ UserPoolId: userPoolId(), Username: userName }));
  } catch (error) {
    rethrowCognitoError(error, userName);
  }
  return jsonResponse(200, { userName, enabled: false });
});
