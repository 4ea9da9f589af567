/**
 * Creates the tenant admin: a Cognito user named by the registration email, in the pooled
 * user pool or in the silo tenant's own pool (the `userPoolId` output of provisioning).
 * The platform sets `custom:tenantId`, `custom:tenantTier` and `custom:userRole` here,
 * through the admin API, because app clients cannot write them. The user joins the group
 * `tenant-<tenantId>` and `sbt_aws_tenantUserCreated` is emitted. A retried task finds the
 * user of the same tenant and goes on; a user of another tenant with that name is an error.
 */
import type { Context } from 'aws-lambda';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminGetUserCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { cognitoClient } from '../../shared/aws-clients';
import { publishEvent } from '../../shared/event-publisher';
import { DETAIL_TYPES } from '../../shared/events';
import { logger } from '../../shared/powertools';
import { executionIdSchema, JobOutputsError, parseLifecycleInput, startInvocation, UserConflictError } from './lifecycle-handler';
import { ensureTenantGroup, tenantGroupName, userAttribute } from './tenant-users';

const HANDLER_ID = 'lifecycle-create-admin';

/** Role of the first user of every tenant. */
export const TENANT_ADMIN_ROLE = 'TenantAdmin';

const inputSchema = z.object({
  request: z.object({
    tenantId: z.string().min(1),
    tier: z.string().min(1),
    email: z.string().email(),
  }),
  outputs: z.looseObject({
    userPoolId: z.string().optional(),
    planned: z.union([z.boolean(), z.string()]).optional(),
  }),
  executionId: executionIdSchema,
});

export type CreateAdminResult =
  | { readonly created: boolean; readonly userName: string; readonly userPoolId: string }
  | { readonly created: false; readonly skipped: string };

export const handler = async (input: unknown, context?: Context): Promise<CreateAdminResult> => {
  const { request, outputs, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  const { tenantId, tier, email } = request;
  startInvocation(context, { tenantId, tier, executionId });

  if (outputs.planned === true || outputs.planned === 'true') {
    // NOTE: a planned silo stack has no user pool yet, so the local sandbox creates no admin.
    const skipped = 'the tenant stack was planned but not applied, so its user pool does not exist';
    logger.warn('tenant admin not created', { reason: skipped });
    return { created: false, skipped };
  }
  const userPoolId = outputs.userPoolId;
  if (!userPoolId || userPoolId.includes('known after apply')) {
    throw new JobOutputsError(`provisioning returned no userPoolId for tenant "${tenantId}", so the tenant admin cannot be created`);
  }

  const created = await createUser(userPoolId, tenantId, tier, email);
  await ensureTenantGroup(userPoolId, tenantId, tier);
  await cognitoClient().send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: tenantGroupName(tenantId) }));

  await publishEvent(DETAIL_TYPES.tenantUserCreated, { tenantId, userName: email, userRole: TENANT_ADMIN_ROLE });
  logger.info('tenant admin ready', { userPoolId, created });
  return { created, userName: email, userPoolId };
};

async function createUser(userPoolId: string, tenantId: string, tier: string, email: string): Promise<boolean> {
  try {
    await cognitoClient().send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'custom:tenantId', Value: tenantId },
          { Name: 'custom:tenantTier', Value: tier },
          { Name: 'custom:userRole', Value: TENANT_ADMIN_ROLE },
        ],
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name !== 'UsernameExistsException') {
      throw error;
    }
  }

  const existing: AdminGetUserCommandOutput = await cognitoClient().send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
  const owner = userAttribute({ Attributes: existing.UserAttributes }, 'custom:tenantId');
  if (owner !== tenantId) {
    throw new UserConflictError(
      `user "${email}" already exists in user pool ${userPoolId} for ${owner ? `tenant "${owner}"` : 'no tenant'}; ` +
        'register the tenant with another admin email',
    );
  }
  logger.info('tenant admin already exists; reusing it', { userPoolId });
  return false;
}
