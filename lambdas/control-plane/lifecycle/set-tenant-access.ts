/**
 * Enables (activate) or disables (deactivate) a tenant's access: its API key, through
 * UpdateApiKey on `/enabled`, and each of its users, through AdminEnableUser or
 * AdminDisableUser. A pooled tenant's users are the members of its group in the pooled
 * user pool. A silo tenant's users are every user of its own pool, which the outputs
 * stored at provisioning name. Both calls are idempotent, so a retry is safe.
 *
 * NOTE: requests are not ordered, so if a deactivate and an activate of one tenant arrive
 * out of order, the execution that finishes last decides the tenant's access.
 */
import type { Context } from 'aws-lambda';
import { UserType } from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { logger } from '../../shared/powertools';
import { getTenant } from '../../shared/registry';
import { TenantRecord } from '../../shared/tenant';
import { applicationPlaneSettings } from './application-plane-settings';
import { executionIdSchema, MissingSettingError, parseLifecycleInput, startInvocation, TenantNotFoundError } from './lifecycle-handler';
import { findApiKeyByName, setApiKeyEnabled, tenantApiKeyName } from './tenant-api-keys';
import { listPoolUsers, listTenantGroupUsers, setUserEnabled } from './tenant-users';

const HANDLER_ID = 'lifecycle-set-access';

const inputSchema = z.object({
  request: z.object({ tenantId: z.string().min(1) }),
  enabled: z.boolean(),
  executionId: executionIdSchema,
});

export interface SetAccessResult {
  readonly enabled: boolean;
  /** Id of the key changed, or `null` when the tenant has none. */
  readonly apiKeyId: string | null;
  readonly usersChanged: number;
  /** Reason nothing was changed, for a silo tenant whose stack was only planned. */
  readonly skipped?: string;
}

export const handler = async (input: unknown, context?: Context): Promise<SetAccessResult> => {
  const { request, enabled, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  startInvocation(context, { tenantId: request.tenantId, executionId });

  const tenant = await getTenant(request.tenantId);
  if (!tenant) {
    throw new TenantNotFoundError(request.tenantId);
  }
  logger.appendKeys({ tier: tenant.tier });

  const outputs = tenant.outputs ?? {};
  if (tenant.model === 'silo' && (outputs.planned === true || (outputs.planned as unknown) === 'true')) {
    // NOTE: a planned silo stack has no API key or user pool, so the local sandbox changes nothing.
    const skipped = 'the tenant stack was planned but not applied, so it has no API key or users to change';
    logger.warn('tenant access not changed', { reason: skipped });
    return { enabled, apiKeyId: null, usersChanged: 0, skipped };
  }

  const apiKeyId = await tenantApiKeyId(tenant);
  if (apiKeyId) {
    await setApiKeyEnabled(apiKeyId, enabled);
  } else {
    logger.warn('tenant has no API key; only its users are changed');
  }

  const { userPoolId, users } = await tenantUsers(tenant);
  let usersChanged = 0;
  for (const user of users) {
    if (user.Username && (await setUserEnabled(userPoolId, user.Username, enabled))) {
      usersChanged += 1;
    }
  }

  logger.info(enabled ? 'tenant access enabled' : 'tenant access disabled', { apiKeyId, usersChanged, userPoolId });
  return { enabled, apiKeyId: apiKeyId ?? null, usersChanged };
};

async function tenantApiKeyId(tenant: TenantRecord): Promise<string | undefined> {
  const stored = tenant.outputs?.apiKeyId;
  if (typeof stored === 'string' && stored !== '') {
    return stored;
  }
  if (tenant.model === 'pool') {
    return (await findApiKeyByName(tenantApiKeyName(tenant.tenantId)))?.id;
  }
  return undefined;
}

async function tenantUsers(tenant: TenantRecord): Promise<{ userPoolId: string; users: UserType[] }> {
  if (tenant.model === 'silo') {
    const userPoolId = tenant.outputs?.userPoolId;
    if (typeof userPoolId !== 'string' || userPoolId === '') {
      throw new MissingSettingError(`silo tenant "${tenant.tenantId}" has no userPoolId in its registry outputs, so its users cannot be found`);
    }
    return { userPoolId, users: await listPoolUsers(userPoolId) };
  }
  const settings = await applicationPlaneSettings();
  return { userPoolId: settings.userPoolId, users: await listTenantGroupUsers(settings.userPoolId, tenant.tenantId) };
}
