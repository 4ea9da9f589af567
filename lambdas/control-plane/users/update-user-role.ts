/**
 * `PATCH /users/{userName}` with `{userRole}`: moves a control-plane user to the role's
 * group, updates `custom:userRole`, and removes the user from the other role groups. Each
 * step is idempotent, so a retry after a partial failure completes the change.
 */
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { cognitoClient } from '../../shared/aws-clients';
import { jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { ROLE_ATTRIBUTE, SYSTEM_ROLES, checkUserName, rejectSelf, rethrowCognitoError, toUserView, userPath, userPoolId, userRoleSchema } from './system-users';

const body = z.strictObject({ userRole: userRoleSchema });

export const handler = apiHandler({ name: 'users-update-role', path: userPath, body }, async ({ event, path, body: request }) => {
  const userName = checkUserName(path.userName);
  rejectSelf(event, userName, 'change the role of');
  const poolId = userPoolId();
  const client = cognitoClient();

  try {
    await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: userName }));
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: userName, GroupName: request.userRole }));
    await client.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: userName, UserAttributes: [{ Name: ROLE_ATTRIBUTE, Value: request.userRole }] }),
    );
    const groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: userName }));
    const otherRoles = (groups.Groups ?? [])
      .map((group) => group.GroupName)
      .filter((name) => name !== request.userRole && (SYSTEM_ROLES as readonly (string | undefined)[]).includes(name));
    for (const role of otherRoles) {
      await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: userName, GroupName: role }));
    }
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: userName }));
    return jsonResponse(200, toUserView(user));
  } catch (error) {
    return rethrowCognitoError(error, userName);
  }
});
