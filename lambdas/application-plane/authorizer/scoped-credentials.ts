/**
 * Tenant-scoped credentials: STS AssumeRole on TENANT_SCOPED_ROLE_ARN with the session tags
 * `TenantId` and `Tier`. The role's policy allows DynamoDB items only where the leading key
 * is `${aws:PrincipalTag/TenantId}` or starts with it followed by `#`, so these credentials
 * reach one tenant's items and nothing else. Credentials are cached per tenant and tier
 * until 5 minutes before they expire.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { requireEnv } from '../../shared/environment';
import { tracer } from '../../shared/powertools';
import { APP_ENV } from '../shared/app-environment';
import type { ScopedCredentials } from '../shared/tenant-context';

/** Session length requested from STS; the role's maximum session duration must allow it. */
export const SESSION_SECONDS = 3600;

/** Credentials closer than this to expiry are replaced, so a request never gets nearly expired ones. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

const MAX_CACHED_SESSIONS = 5000;

let stsClient: STSClient | undefined;

function sts(): STSClient {
  stsClient ??= tracer.captureAWSv3Client(new STSClient({}));
  return stsClient;
}

/** Cached sessions, and the AssumeRole calls in flight, by `tenantId|tier`. */
const sessions = new Map<string, Promise<ScopedCredentials>>();

export async function scopedCredentials(tenantId: string, tier: string, now = Date.now()): Promise<ScopedCredentials> {
  const cacheKey = `${tenantId}|${tier}`;
  const cached = sessions.get(cacheKey);
  if (cached) {
    try {
      const credentials = await cached;
      if (new Date(credentials.expiration).getTime() - now > REFRESH_MARGIN_MS) {
        return credentials;
      }
    } catch {
      // A failed AssumeRole is not cached; the request below retries it.
    }
    sessions.delete(cacheKey);
  }

  const pending = assumeTenantRole(tenantId, tier);
  sessions.set(cacheKey, pending);
  if (sessions.size > MAX_CACHED_SESSIONS) {
    sessions.delete(sessions.keys().next().value as string);
  }
  try {
    return await pending;
  } catch (error) {
    sessions.delete(cacheKey);
    throw error;
  }
}

async function assumeTenantRole(tenantId: string, tier: string): Promise<ScopedCredentials> {
  const result = await sts().send(
    new AssumeRoleCommand({
      RoleArn: requireEnv(APP_ENV.tenantScopedRoleArn),
      RoleSessionName: `tenant-${tenantId}`,
      DurationSeconds: SESSION_SECONDS,
      Tags: [
        { Key: 'TenantId', Value: tenantId },
        { Key: 'Tier', Value: tier },
      ],
    }),
  );
  const credentials = result.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
    throw new Error(`STS AssumeRole for tenant ${tenantId} returned no complete credentials`);
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration.toISOString(),
  };
}

export function clearScopedCredentialsCache(): void {
  sessions.clear();
}
