/**
 * The per-tenant API key of a pooled tenant: named `<prefix>-<tenantId>`, attached to its
 * tier's usage plan, so the usage plan's quota applies to each tenant on its own.
 */
import {
  ApiKey,
  ConflictException,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
  GetApiKeysCommandOutput,
  GetUsagePlansCommand,
  NotFoundException,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { apiGatewayClient } from '../../shared/aws-clients';
import { ENV, requireEnv } from '../../shared/environment';
import { logger } from '../../shared/powertools';

/** Name of a tenant's API key, such as `tenantform-4f1c2a9d0b3e7f61`. */
export function tenantApiKeyName(tenantId: string): string {
  return `${requireEnv(ENV.platformPrefix)}-${tenantId}`;
}

/**
 * Finds the API key named exactly `name`. GetApiKeys matches names by prefix, so the
 * results are filtered for the exact name; with several matches the oldest is returned.
 */
export async function findApiKeyByName(name: string): Promise<ApiKey | undefined> {
  const matches: ApiKey[] = [];
  let position: string | undefined;
  do {
    const page: GetApiKeysCommandOutput = await apiGatewayClient().send(
      new GetApiKeysCommand({ nameQuery: name, includeValues: false, limit: 500, position }),
    );
    matches.push(...(page.items ?? []).filter((key) => key.name === name));
    position = page.position;
  } while (position);

  if (matches.length > 1) {
    logger.warn('several API keys have the tenant key name; using the oldest', { name, keyIds: matches.map((key) => key.id) });
  }
  matches.sort((a, b) => (a.createdDate?.getTime() ?? 0) - (b.createdDate?.getTime() ?? 0));
  return matches[0];
}

/** Returns the tenant's API key, creating it (enabled) when no key has its name. */
export async function ensureTenantApiKey(tenantId: string, tier: string): Promise<{ id: string; created: boolean }> {
  const name = tenantApiKeyName(tenantId);
  const existing = await findApiKeyByName(name);
  if (existing?.id) {
    logger.info('reusing the existing tenant API key', { apiKeyId: existing.id });
    return { id: existing.id, created: false };
  }

  const created = await apiGatewayClient().send(
    new CreateApiKeyCommand({
      name,
      description: `API key of tenant ${tenantId} (tier ${tier})`,
      enabled: true,
      customerId: tenantId,
      tags: { TenantId: tenantId, Tier: tier },
    }),
  );
  if (!created.id) {
    throw new Error(`API Gateway created key ${name} but returned no id`);
  }
  logger.info('tenant API key created', { apiKeyId: created.id });
  return { id: created.id, created: true };
}

/**
 * Attaches key `keyId` to usage plan `usagePlanId`. A key already on that plan is fine; a
 * key on another plan is an error, because API Gateway would then apply two quotas.
 */
export async function attachKeyToUsagePlan(keyId: string, usagePlanId: string): Promise<void> {
  try {
    await apiGatewayClient().send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId, keyType: 'API_KEY' }));
    logger.info('API key attached to the usage plan', { apiKeyId: keyId, usagePlanId });
  } catch (error) {
    if (!(error instanceof ConflictException || (error as Error).name === 'ConflictException')) {
      throw error;
    }
    const plans = await apiGatewayClient().send(new GetUsagePlansCommand({ keyId }));
    const planIds = (plans.items ?? []).map((plan) => plan.id);
    if (planIds.includes(usagePlanId)) {
      logger.info('API key is already attached to the usage plan', { apiKeyId: keyId, usagePlanId });
      return;
    }
    throw new Error(
      `API key ${keyId} is attached to usage plan ${planIds.join(', ') || '(unknown)'} and not to ${usagePlanId}; ` +
        `detach it from the other plan before provisioning again`,
    );
  }
}

/** Enables or disables an API key. */
export async function setApiKeyEnabled(keyId: string, enabled: boolean): Promise<void> {
  await apiGatewayClient().send(
    new UpdateApiKeyCommand({ apiKey: keyId, patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }] }),
  );
}

/** Deletes an API key; returns false when it did not exist. */
export async function deleteApiKey(keyId: string): Promise<boolean> {
  try {
    await apiGatewayClient().send(new DeleteApiKeyCommand({ apiKey: keyId }));
    return true;
  } catch (error) {
    if (error instanceof NotFoundException || (error as Error).name === 'NotFoundException') {
      return false;
    }
    throw error;
  }
}
