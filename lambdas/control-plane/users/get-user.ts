/** `GET /users/{userName}`: returns one control-plane user with its groups, or 404 naming `userName`. */
import { AdminGetUserCommand, AdminListGroupsForUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoClient } from '../../shared/aws-clients';
import { jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { checkUserName, rethrowCognitoError, toUserView, userPath, userPoolId } from './system-users';

export const handler = apiHandler({ name: 'users-get', path: userPath }, async ({ path }) => {
  const userName = checkUserName(path.userName);
  const client = cognitoClient();
  try {
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: userName }));
    const groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId(), Username: userName }));
    return jsonResponse(200, { ...toUserView(user), groups: (groups.Groups ?? []).map((group) => group.GroupName) });
  } catch (error) {
    return rethrowCognitoError(error, userName);
  }
});
