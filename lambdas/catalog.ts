/**
 * Every Lambda handler of the platform, by id. The stacks package each entry as its own
 * bundle, and the local sandbox loads the same modules, so this list is the one place where
 * a handler is registered.
 */

export interface HandlerEntry {
  /** Short id, used in function names (`<prefix>-<id>`) and bundle folders. */
  readonly id: string;
  /** Source file relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
}

const controlPlane = (id: string, entry: string, description: string): HandlerEntry => ({
  id,
  entry: `lambdas/control-plane/${entry}`,
  description,
});

const applicationPlane = (id: string, entry: string, description: string): HandlerEntry => ({
  id,
  entry: `lambdas/application-plane/${entry}`,
  description,
});

export const CONTROL_PLANE_HANDLERS = [
  controlPlane('registration-create', 'registration/create-registration.ts', 'Registers a tenant and requests onboarding'),
  controlPlane('tenants-list', 'tenants/list-tenants.ts', 'Lists tenants a page at a time'),
  controlPlane('tenants-get', 'tenants/get-tenant.ts', 'Returns one tenant'),
  controlPlane('tenants-update', 'tenants/update-tenant.ts', 'Changes the fields of a tenant that a caller may change'),
  controlPlane('tenants-delete', 'tenants/delete-tenant.ts', 'Requests offboarding of a tenant'),
  controlPlane('tenants-activate', 'tenants/activate-tenant.ts', 'Requests activation of a tenant'),
  controlPlane('tenants-deactivate', 'tenants/deactivate-tenant.ts', 'Requests deactivation of a tenant'),
  controlPlane('users-create', 'users/create-user.ts', 'Creates a control-plane user'),
  controlPlane('users-list', 'users/list-users.ts', 'Lists control-plane users a page at a time'),
  controlPlane('users-get', 'users/get-user.ts', 'Returns one control-plane user'),
  controlPlane('users-update-role', 'users/update-user-role.ts', 'Changes the role of a control-plane user'),
  controlPlane('users-disable', 'users/disable-user.ts', 'Disables a control-plane user'),
  controlPlane('users-enable', 'users/enable-user.ts', 'Enables a control-plane user'),
  controlPlane('users-delete', 'users/delete-user.ts', 'Deletes a control-plane user'),
  controlPlane('registry-update', 'registry/update-registry.ts', 'Records lifecycle results in the tenant registry'),
  controlPlane('tenant-config-get', 'tenant-config/get-tenant-config.ts', 'Returns the sign-in settings of an active tenant'),
  controlPlane('lifecycle-validate-event', 'lifecycle/validate-event.ts', 'Validates a lifecycle event detail'),
  controlPlane('lifecycle-transition', 'lifecycle/transition-status.ts', 'Moves a tenant between lifecycle states'),
  controlPlane('lifecycle-provision-pool', 'lifecycle/provision-pool-tenant.ts', 'Creates the API key and group of a pooled tenant'),
  controlPlane('lifecycle-create-admin', 'lifecycle/create-tenant-admin.ts', 'Creates the tenant admin user'),
  controlPlane('lifecycle-job-outputs', 'lifecycle/collect-job-outputs.ts', 'Reads the exported variables of a provisioning job'),
  controlPlane('lifecycle-deprovision-pool', 'lifecycle/deprovision-pool-tenant.ts', 'Removes the data, key, users and group of a pooled tenant'),
  controlPlane('lifecycle-set-access', 'lifecycle/set-tenant-access.ts', 'Enables or disables the API key and users of a tenant'),
  controlPlane('lifecycle-claim-offboarding', 'lifecycle/claim-offboarding.ts', 'Claims the offboarding of a tenant for one execution'),
  controlPlane('lifecycle-build-failure', 'lifecycle/build-failure.ts', 'Builds the failure event of a lifecycle operation'),
  controlPlane('rollout-plan', 'rollout/plan-rollout.ts', 'Splits the ACTIVE silo tenants into rollout waves and records the rollout'),
  controlPlane('rollout-prepare-tenant', 'rollout/prepare-tenant.ts', 'Claims a tenant for a rollout or skips it'),
  controlPlane('rollout-record-tenant', 'rollout/record-tenant.ts', 'Records the template version a rollout applied to a tenant'),
  controlPlane('rollout-evaluate-wave', 'rollout/evaluate-wave.ts', 'Checks a finished wave against the failure threshold'),
  controlPlane('rollout-request-approval', 'rollout/request-approval.ts', 'Stores the approval task token of a rollout'),
  controlPlane('rollout-set-status', 'rollout/set-rollout-status.ts', 'Sets the status of a rollout'),
] as const satisfies readonly HandlerEntry[];

export const APPLICATION_PLANE_HANDLERS = [
  applicationPlane('authorizer', 'authorizer/authorizer.ts', 'Verifies tokens and issues tenant-scoped credentials'),
  applicationPlane('product-create', 'products/create-product.ts', 'Creates a product'),
  applicationPlane('product-get', 'products/get-product.ts', 'Returns a product'),
  applicationPlane('product-update', 'products/update-product.ts', 'Updates a product'),
  applicationPlane('product-delete', 'products/delete-product.ts', 'Deletes a product'),
  applicationPlane('product-list', 'products/list-products.ts', 'Lists products a page at a time'),
  applicationPlane('order-create', 'orders/create-order.ts', 'Creates an order'),
  applicationPlane('order-get', 'orders/get-order.ts', 'Returns an order'),
  applicationPlane('order-update', 'orders/update-order.ts', 'Updates an order'),
  applicationPlane('order-delete', 'orders/delete-order.ts', 'Deletes an order'),
  applicationPlane('order-list', 'orders/list-orders.ts', 'Lists orders a page at a time'),
  applicationPlane('tenant-user-create', 'tenant-users/create-tenant-user.ts', 'Creates a user of the caller\'s tenant'),
  applicationPlane('tenant-user-list', 'tenant-users/list-tenant-users.ts', 'Lists the users of the caller\'s tenant'),
  applicationPlane('tenant-user-disable', 'tenant-users/disable-tenant-user.ts', 'Disables a user of the caller\'s tenant'),
  applicationPlane('tenant-user-enable', 'tenant-users/enable-tenant-user.ts', 'Enables a user of the caller\'s tenant'),
] as const satisfies readonly HandlerEntry[];

export const ALL_HANDLERS: readonly HandlerEntry[] = [...CONTROL_PLANE_HANDLERS, ...APPLICATION_PLANE_HANDLERS];

export type HandlerId = (typeof CONTROL_PLANE_HANDLERS)[number]['id'] | (typeof APPLICATION_PLANE_HANDLERS)[number]['id'];

export function handlerEntry(id: HandlerId): HandlerEntry {
  const entry = ALL_HANDLERS.find((candidate) => candidate.id === id);
  if (!entry) {
    throw new Error(`handler "${id}" is not in the handler catalog`);
  }
  return entry;
}
