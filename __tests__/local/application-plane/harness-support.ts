/**
 * Shared setup of the tests that run the application-plane harness: the platform
 * configuration, the IAM policies the harness enforces, and helpers to onboard tenants,
 * sign in users and call the REST API.
 */
import { buildPlatformConfig, PlatformConfig } from '../../../config/platform-config';
import { ApplicationPlaneHarness, HarnessPolicies, startApplicationPlaneHarness } from '../../../local/application-plane/harness';
import type { TenantRole } from '../../../lambdas/application-plane/shared/routes';

export const HARNESS_CONFIG: PlatformConfig = buildPlatformConfig({ prefix: 'tfharness' });

const tableArn = (name: string) => `arn:aws:dynamodb:${HARNESS_CONFIG.region}:${HARNESS_CONFIG.accountId}:table/${HARNESS_CONFIG.prefix}-${name}`;

/** The policies and app client attributes of the application-plane stack, with table ARNs resolved. */
export function harnessPolicies(): HarnessPolicies {
  return {
    scopedRole: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:Query',
            'dynamodb:BatchGetItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:ConditionCheckItem',
          ],
          Resource: [tableArn('products'), tableArn('orders')],
          Condition: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['${aws:PrincipalTag/TenantId}', '${aws:PrincipalTag/TenantId}#*'] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        },
      ],
    },
    authorizerRole: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn('tenants') }] },
    clientWriteAttributes: ['email', 'given_name', 'family_name'],
    clientReadAttributes: ['email', 'email_verified', 'given_name', 'family_name', 'custom:tenantId', 'custom:tenantTier', 'custom:userRole'],
  };
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
