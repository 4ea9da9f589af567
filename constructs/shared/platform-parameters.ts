/**
 * Names of the SSM parameters through which the stacks share settings without cross-stack
 * Terraform references: the application-plane stack publishes its settings under one path,
 * and the control plane keeps the current tenant-template version.
 */

/** Path of the application plane's settings, such as `/tenantform/application-plane`. */
export function applicationPlaneParameterPath(prefix: string): string {
  return `/${prefix}/application-plane`;
}

/** Names of the parameters under that path, relative to it. */
export const APPLICATION_PLANE_PARAMETERS = {
  userPoolId: 'user-pool-id',
  userPoolClientId: 'user-pool-client-id',
  apiUrl: 'api-url',
  productsTable: 'products-table',
  ordersTable: 'orders-table',
  /** One parameter per pooled tier: `usage-plan-id/<TIER>`. */
  usagePlanIdPrefix: 'usage-plan-id',
} as const;

/** Parameter that names the tenant-template version new silo tenants get. */
export function templateVersionParameterName(prefix: string): string {
  return `/${prefix}/control-plane/tenant-template-version`;
}
