/**
 * Shared setup of the tests that run the application-plane harness: the platform
 * configuration, the IAM policies the harness enforces, and helpers to onboard tenants,
 * sign in users and call the REST API.
 */
import { buildPlatformConfig, PlatformConfig } from '../../../config/platform-config';
import { ApplicationPlaneHarness, HarnessPolicies, startApplicationPlaneHarness } from '../../../local/application-plane/harness';
import { stackPolicies } from '../../../local/application-plane/harness-policies';
import type { TenantRole } from '../../../lambdas/application-plane/shared/routes';

export const HARNESS_CONFIG: PlatformConfig = buildPlatformConfig({ prefix: 'tfharness' });

/** The policies and app client attributes the harness enforces: the stack's, with table ARNs resolved. */
export function harnessPolicies(): HarnessPolicies {
  return stackPolicies(HARNESS_CONFIG);
}

export async function startHarness(options: { tenantStatusCacheSeconds?: number; throttleClock?: () => number } = {}): Promise<ApplicationPlaneHarness> {
  return startApplicationPlaneHarness({
    config: HARNESS_CONFIG,
    policies: harnessPolicies(),
    tenantStatusCacheSeconds: options.tenantStatusCacheSeconds ?? 0,
    throttleClock: options.throttleClock,
  });
}

export const PASSWORD = 'Harness-Passw0rd!';

export interface SignedInUser {
  readonly email: string;
  readonly idToken: string;
  readonly accessToken: string;
}

/** Creates a user with the platform-set attributes and signs them in. */
export async function signedInUser(harness: ApplicationPlaneHarness, tenantId: string, tier: string, role: TenantRole, name = role.toLowerCase()): Promise<SignedInUser> {
  const email = `${name}@${tenantId}.example.com`;
  await harness.createUser({ tenantId, tier, email, role, password: PASSWORD });
  const tokens = await harness.signIn(email, PASSWORD);
  return { email, ...tokens };
}

export interface ApiResponse {
  readonly status: number;
  readonly body: any;
}

/** Calls the harness REST API with `token` as the bearer token. */
export async function callApi(harness: ApplicationPlaneHarness, token: string | undefined, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${harness.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
