/**
 * Loaders of every catalogued handler module, by handler id. Static imports let esbuild
 * bundle the CLI with its handlers, and a test checks that this map matches the catalog.
 */
import type { HandlerId } from '../lambdas/catalog';

export type HandlerFunction = (event: any, context: any) => Promise<unknown>;

export const HANDLER_LOADERS: Record<HandlerId, () => Promise<{ handler: HandlerFunction }>> = {
  'registration-create': () => import('../lambdas/control-plane/registration/create-registration'),
  'tenants-list': () => import('../lambdas/control-plane/tenants/list-tenants'),
  'tenants-get': () => import('../lambdas/control-plane/tenants/get-tenant'),
  'tenants-update': () => import('../lambdas/control-plane/tenants/update-tenant'),
  'tenants-delete': () => import('../lambdas/control-plane/tenants/delete-tenant'),
  'tenants-activate': () => import('../lambdas/control-plane/tenants/activate-tenant'),
  'tenants-deactivate': () => import('../lambdas/control-plane/tenants/deactivate-tenant'),
  'users-create': () => import('../lambdas/control-plane/users/create-user'),
  'users-list': () => import('../lambdas/control-plane/users/list-users'),
  'users-get': () => import('../lambdas/control-plane/users/get-user'),
  'users-update-role': () => import('../lambdas/control-plane/users/update-user-role'),
  'users-disable': () => import('../lambdas/control-plane/users/disable-user'),
  'users-enable': () => import('../lambdas/control-plane/users/enable-user'),
  'users-delete': () => import('../lambdas/control-plane/users/delete-user'),
  'registry-update': () => import('../lambdas/control-plane/registry/update-registry'),
  'tenant-config-get': () => import('../lambdas/control-plane/tenant-config/get-tenant-config'),
  'lifecycle-validate-event': () => import('../lambdas/control-plane/lifecycle/validate-event'),
  'lifecycle-transition': () => import('../lambdas/control-plane/lifecycle/transition-status'),
  'lifecycle-provision-pool': () => import('../lambdas/control-plane/lifecycle/provision-pool-tenant'),
  'lifecycle-create-admin': () => import('../lambdas/control-plane/lifecycle/create-tenant-admin'),
  'lifecycle-job-outputs': () => import('../lambdas/control-plane/lifecycle/collect-job-outputs'),
  'lifecycle-deprovision-pool': () => import('../lambdas/control-plane/lifecycle/deprovision-pool-tenant'),
  'lifecycle-set-access': () => import('../lambdas/control-plane/lifecycle/set-tenant-access'),
  'lifecycle-claim-offboarding': () => import('../lambdas/control-plane/lifecycle/claim-offboarding'),
  'lifecycle-build-failure': () => import('../lambdas/control-plane/lifecycle/build-failure'),
  'authorizer': () => import('../lambdas/application-plane/authorizer/authorizer'),
  'product-create': () => import('../lambdas/application-plane/products/create-product'),
  'product-get': () => import('../lambdas/application-plane/products/get-product'),
  'product-update': () => import('../lambdas/application-plane/products/update-product'),
  'product-delete': () => import('../lambdas/application-plane/products/delete-product'),
  'product-list': () => import('../lambdas/application-plane/products/list-products'),
  'order-create': () => import('../lambdas/application-plane/orders/create-order'),
  'order-get': () => import('../lambdas/application-plane/orders/get-order'),
  'order-update': () => import('../lambdas/application-plane/orders/update-order'),
  'order-delete': () => import('../lambdas/application-plane/orders/delete-order'),
  'order-list': () => import('../lambdas/application-plane/orders/list-orders'),
  'tenant-user-create': () => import('../lambdas/application-plane/tenant-users/create-tenant-user'),
  'tenant-user-list': () => import('../lambdas/application-plane/tenant-users/list-tenant-users'),
  'tenant-user-disable': () => import('../lambdas/application-plane/tenant-users/disable-tenant-user'),
  'tenant-user-enable': () => import('../lambdas/application-plane/tenant-users/enable-tenant-user'),
};
