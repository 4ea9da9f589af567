/**
 * `POST /users` with `{userName, email, userRole}`: creates a control-plane user with a
 * verified email (Cognito sends the temporary password there), adds it to the role's group
 * and emits `sbt_aws_tenantUserCreated`. A taken user name is a 409 naming `userName`. When
 * a later step fails the user is deleted again, so a retry starts clean.
 */
import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { cognitoClient } from '../../shared/aws-clients';
import { ConflictError, jsonResponse } from '../../shared/http';
import { apiHandler } from '../../shared/http-handler';
import { logger } from '../../shared/powertools';
import { emailSchema } from '../../shared/tenant-fields';
import { ROLE_ATTRIBUTE, partialFailure, publishUserEvent, toUserView, userNameSchema, userPoolId, userRoleSchema } from './system-users';

const body = z.strictObject({ userName: userNameSchema, email: emailSchema, userRole: userRoleSchema });

export const handler = apiHandler({ name: 'users-create', body }, async ({ body: request }) => {
  const poolId = userPoolId();
  const client = cognitoClient();

  let created;
  try {
    created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: request.userName,
        UserAttributes: [
          { Name: 'email', Value: request.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: ROLE_ATTRIBUTE, Value: request.userRole },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'UsernameExistsException') {
      throw new ConflictError(`user name ${JSON.stringify(request.userName)} is already taken; choose another`, 'userName');
    }
    throw error;
  }

  try {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: request.userName, GroupName: request.userRole }));
    await publishUserEvent('sbt_aws_tenantUserCreated', request.userName, request.userRole);
  } catch (error) {
    logger.error('user creation failed after the user was created; deleting the user', error as Error);
    await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: request.userName })).catch((deleteError: Error) => {
      logger.error('deleting the half-created user failed', deleteError);
    });
    throw partialFailure(`creating user ${JSON.stringify(request.userName)} failed and was undone; retry the request`);
  }

  return jsonResponse(201, toUserView(created.User ?? { Username: request.userName }), { location: `/users/${encodeURIComponent(request.userName)}` });
});
