/**
 * Routes of the application's REST API. Each method has its own handler, so an update or
 * a delete can never reach the create function.
 */
import type { HandlerId } from '../../lambdas/catalog';

export interface ServiceRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly handler: HandlerId;
}

export const SERVICE_ROUTES: readonly ServiceRoute[] = [
  { method: 'GET', path: '/products', handler: 'product-list' },
  { method: 'POST', path: '/products', handler: 'product-create' },
  { method: 'GET', path: '/products/{productId}', handler: 'product-get' },
  { method: 'PUT', path: '/products/{productId}', handler: 'product-update' },
  { method: 'DELETE', path: '/products/{productId}', handler: 'product-delete' },
  { method: 'GET', path: '/orders', handler: 'order-list' },
  { method: 'POST', path: '/orders', handler: 'order-create' },
  { method: 'GET', path: '/orders/{orderId}', handler: 'order-get' },
  { method: 'PUT', path: '/orders/{orderId}', handler: 'order-update' },
  { method: 'DELETE', path: '/orders/{orderId}', handler: 'order-delete' },
  { method: 'GET', path: '/users', handler: 'tenant-user-list' },
  { method: 'POST', path: '/users', handler: 'tenant-user-create' },
  { method: 'POST', path: '/users/{userName}/disable', handler: 'tenant-user-disable' },
  { method: 'POST', path: '/users/{userName}/enable', handler: 'tenant-user-enable' },
];
