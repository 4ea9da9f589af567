/**
 * The routes of the control-plane HTTP API: each route's handler and the OAuth scope a
 * token must carry. Every route has its own handler, so no method reaches another's code.
 */
import type { HandlerId } from '../../lambdas/catalog';

export interface ControlPlaneRoute {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly handler: HandlerId;
  /** Scope the JWT authorizer requires; `public` routes have no authorizer. */
  readonly scope: 'tenant/tenant_read' | 'tenant/tenant_write' | 'user/user_read' | 'user/user_write' | 'public';
}

export const CONTROL_PLANE_ROUTES: readonly ControlPlaneRoute[] = [
  { method: 'POST', path: '/tenant-registrations', handler: 'registration-create', scope: 'tenant/tenant_write' },
  { method: 'GET', path: '/tenants', handler: 'tenants-list', scope: 'tenant/tenant_read' },
  { method: 'GET', path: '/tenants/{tenantId}', handler: 'tenants-get', scope: 'tenant/tenant_read' },
  { method: 'PATCH', path: '/tenants/{tenantId}', handler: 'tenants-update', scope: 'tenant/tenant_write' },
  { method: 'DELETE', path: '/tenants/{tenantId}', handler: 'tenants-delete', scope: 'tenant/tenant_write' },
  { method: 'POST', path: '/tenants/{tenantId}/activate', handler: 'tenants-activate', scope: 'tenant/tenant_write' },
  { method: 'POST', path: '/tenants/{tenantId}/deactivate', handler: 'tenants-deactivate', scope: 'tenant/tenant_write' },
  { method: 'POST', path: '/users', handler: 'users-create', scope: 'user/user_write' },
  { method: 'GET', path: '/users', handler: 'users-list', scope: 'user/user_read' },
  { method: 'GET', path: '/users/{userName}', handler: 'users-get', scope: 'user/user_read' },
  { method: 'PATCH', path: '/users/{userName}', handler: 'users-update-role', scope: 'user/user_write' },
  { method: 'POST', path: '/users/{userName}/disable', handler: 'users-disable', scope: 'user/user_write' },
  { method: 'POST', path: '/users/{userName}/enable', handler: 'users-enable', scope: 'user/user_write' },
  { method: 'DELETE', path: '/users/{userName}', handler: 'users-delete', scope: 'user/user_write' },
  { method: 'GET', path: '/tenant-config/{tenantName}', handler: 'tenant-config-get', scope: 'public' },
];

/** Returns the API Gateway route key, such as `GET /tenants/{tenantId}`. */
export function routeKey(route: ControlPlaneRoute): string {
  return `${route.method} ${route.path}`;
}
