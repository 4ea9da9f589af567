/**
 * Environment variables of the handlers. The stacks set them on each function, and the
 * local sandbox sets the same names for in-process invocations.
 */

export const ENV = {
  tenantsTable: 'TENANTS_TABLE',
  tenantNamesTable: 'TENANT_NAMES_TABLE',
  eventBusName: 'EVENT_BUS_NAME',
  controlPlaneSource: 'CONTROL_PLANE_EVENT_SOURCE',
  applicationPlaneSource: 'APPLICATION_PLANE_EVENT_SOURCE',
  /** JSON array of `{ name, model }` for every configured tier. */
  tiers: 'TIERS',
  controlPlaneUserPoolId: 'CONTROL_PLANE_USER_POOL_ID',
  /** SSM path under which the application-plane stack publishes its settings. */
  applicationPlaneParameterPath: 'APPLICATION_PLANE_PARAMETER_PATH',
  productsTable: 'PRODUCTS_TABLE',
  ordersTable: 'ORDERS_TABLE',
  userPoolId: 'USER_POOL_ID',
  userPoolClientId: 'USER_POOL_CLIENT_ID',
  /** Platform prefix, for names built per tenant such as the API key `<prefix>-<tenantId>`. */
  platformPrefix: 'PLATFORM_PREFIX',
  /** Table of rollout records (`<prefix>-rollouts`). */
  rolloutsTable: 'ROLLOUTS_TABLE',
} as const;

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is not set; the function's configuration must define it`);
  }
  return value;
}

export interface TierModel {
  readonly name: string;
  readonly model: 'pool' | 'silo';
}

/** Reads the configured tiers from the TIERS variable. */
export function configuredTiers(): TierModel[] {
  const raw = requireEnv(ENV.tiers);
  const parsed = JSON.parse(raw) as TierModel[];
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`environment variable ${ENV.tiers} must be a non-empty JSON array, got ${raw}`);
  }
  return parsed;
}
