/**
 * The registry facts the authorizer needs about a tenant: status, tier and the id of its
 * API key. Lookups are cached for TENANT_STATUS_CACHE_SECONDS (30 when unset), so a
 * deactivation takes effect within that time without a registry read on every request.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/aws-clients';
import { ENV, requireEnv } from '../../shared/environment';
import type { TenantStatus } from '../../shared/tenant';
import { APP_ENV, secondsFromEnv } from '../shared/app-environment';

export const DEFAULT_TENANT_STATUS_CACHE_SECONDS = 30;

/** Most tenants kept in the cache; the oldest entry is dropped beyond it. */
const MAX_CACHED_TENANTS = 5000;

export interface TenantFacts {
  readonly tenantId: string;
  readonly status: TenantStatus;
  readonly tier: string;
  readonly model: string;
  readonly apiKeyId?: string;
}

interface CacheEntry {
  readonly facts: TenantFacts | undefined;
  readonly fetchedAt: number;
}

const cache = new Map<string, CacheEntry>();

/** Returns the tenant's facts, or undefined when the registry has no such tenant. */
export async function tenantFacts(tenantId: string, now = Date.now()): Promise<TenantFacts | undefined> {
  const maxAgeMs = secondsFromEnv(APP_ENV.tenantStatusCacheSeconds, DEFAULT_TENANT_STATUS_CACHE_SECONDS) * 1000;
  const cached = cache.get(tenantId);
  if (cached && now - cached.fetchedAt < maxAgeMs) {
    return cached.facts;
  }

  const result = await documentClient().send(
    new GetCommand({
      TableName: requireEnv(ENV.tenantsTable),
      Key: { tenantId },
      ProjectionExpression: 'tenantId, #status, tier, #model, outputs',
      ExpressionAttributeNames: { '#status': 'status', '#model': 'model' },
    }),
  );
  const item = result.Item;
  const facts: TenantFacts | undefined = item
    ? {
        tenantId,
        status: item.status as TenantStatus,
        tier: String(item.tier),
        model: String(item.model),
        apiKeyId: typeof item.outputs?.apiKeyId === 'string' ? item.outputs.apiKeyId : undefined,
      }
    : undefined;

  cache.delete(tenantId);
  cache.set(tenantId, { facts, fetchedAt: now });
  if (cache.size > MAX_CACHED_TENANTS) {
    cache.delete(cache.keys().next().value as string);
  }
  return facts;
}

/** Empties the cache; tests use it to start from a cold execution environment. */
export function clearTenantFactsCache(): void {
  cache.clear();
}
