/**
 * Provisions a pooled tenant in the shared application plane: its own API key
 * `<prefix>-<tenantId>` on its tier's usage plan, and its group `tenant-<tenantId>` in the
 * pooled user pool. Every step finds what an earlier attempt created, so a retried task
 * neither creates a second key nor fails on the existing group. Returns the outputs the
 * registry stores for the tenant.
 */
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { logger } from '../../shared/powertools';
import { applicationPlaneSettings, usagePlanIdOf } from './application-plane-settings';
import { executionIdSchema, parseLifecycleInput, startInvocation } from './lifecycle-handler';
import { attachKeyToUsagePlan, ensureTenantApiKey } from './tenant-api-keys';
import { ensureTenantGroup, tenantGroupName } from './tenant-users';

const HANDLER_ID = 'lifecycle-provision-pool';

const inputSchema = z.object({
  request: z.object({
    tenantId: z.string().min(1),
    tier: z.string().min(1),
    model: z.literal('pool'),
  }),
  executionId: executionIdSchema,
});

export interface PooledTenantOutputs {
  readonly [key: string]: string;
  readonly apiKeyId: string;
  readonly usagePlanId: string;
  readonly apiUrl: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly tenantGroup: string;
  readonly productsTableName: string;
  readonly ordersTableName: string;
}

export const handler = async (input: unknown, context?: Context): Promise<PooledTenantOutputs> => {
  const { request, executionId } = parseLifecycleInput(HANDLER_ID, inputSchema, input);
  const { tenantId, tier } = request;
  startInvocation(context, { tenantId, tier, executionId });

  const settings = await applicationPlaneSettings();
  const usagePlanId = usagePlanIdOf(settings, tier);

  const apiKey = await ensureTenantApiKey(tenantId, tier);
  await attachKeyToUsagePlan(apiKey.id, usagePlanId);
  const groupCreated = await ensureTenantGroup(settings.userPoolId, tenantId, tier);

  logger.info('pooled tenant provisioned', { apiKeyId: apiKey.id, apiKeyCreated: apiKey.created, usagePlanId, groupCreated });
  return {
    apiKeyId: apiKey.id,
    usagePlanId,
    apiUrl: settings.apiUrl,
    userPoolId: settings.userPoolId,
    userPoolClientId: settings.userPoolClientId,
    tenantGroup: tenantGroupName(tenantId),
    productsTableName: settings.productsTable,
    ordersTableName: settings.ordersTable,
  };
};
