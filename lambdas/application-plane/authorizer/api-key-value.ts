/**
 * Looks up the value of a tenant's API key by its id. The authorizer returns the value as
 * `usageIdentifierKey`, which makes API Gateway meter and throttle the request under the
 * tenant's own usage plan. Key values never change, so lookups are cached for an hour.
 * Whether the key is enabled is not cached here: API Gateway checks it on every request.
 */
import { GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import { apiGatewayClient } from '../../shared/aws-clients';

const CACHE_MS = 60 * 60 * 1000;
const MAX_CACHED_KEYS = 5000;

const cache = new Map<string, { value: string; fetchedAt: number }>();

export async function apiKeyValue(apiKeyId: string, now = Date.now()): Promise<string> {
  const cached = cache.get(apiKeyId);
  if (cached && now - cached.fetchedAt < CACHE_MS) {
    return cached.value;
  }

  const key = await apiGatewayClient().send(new GetApiKeyCommand({ apiKey: apiKeyId, includeValue: true }));
  if (!key.value) {
    throw new Error(`API Gateway returned API key ${apiKeyId} without its value`);
  }
  cache.set(apiKeyId, { value: key.value, fetchedAt: now });
  if (cache.size > MAX_CACHED_KEYS) {
    cache.delete(cache.keys().next().value as string);
  }
  return key.value;
}

export function clearApiKeyCache(): void {
  cache.clear();
}
