/**
 * The routes of the application-plane REST API: method, resource path, the catalog handler
 * that serves it, and the tenant roles allowed to call it. The authorizer allows a request
 * only when the caller's role is listed for the route, and the local API harness routes by
 * the same table, so both agree with each other and with the stack's methods.
 */
import type { HandlerId } from '../../catalog';

/** Roles of tenant users, stored by the platform in the `custom:userRole` claim. */
export const TENANT_ROLES = ['TenantAdmin', 'TenantUser'] as const;

export type TenantRole = (typeof TENANT_ROLES)[number];

export function isTenantRole(value: unknown): value is TenantRole {
  return typeof value === 'string' && (TENANT_ROLES as readonly string[]).includes(value);
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApplicationRoute {
  readonly method: HttpMethod;
  /** Resource path as API Gateway names it, with `{param}` placeholders. */
  readonly resourcePath: string;
  readonly handler: HandlerId;
  readonly roles: readonly TenantRole[];
}

const ANY_ROLE: readonly TenantRole[] = ['TenantAdmin', 'TenantUser'];
const ADMIN_ONLY: readonly TenantRole[] = ['TenantAdmin'];

export const APPLICATION_ROUTES: readonly ApplicationRoute[] = [
  { method: 'GET', resourcePath: '/products', handler: 'product-list', roles: ANY_ROLE },
  { method: 'POST', resourcePath: '/products', handler: 'product-create', roles: ANY_ROLE },
  { method: 'GET', resourcePath: '/products/{productId}', handler: 'product-get', roles: ANY_ROLE },
  { method: 'PUT', resourcePath: '/products/{productId}', handler: 'product-update', roles: ANY_ROLE },
  { method: 'DELETE', resourcePath: '/products/{productId}', handler: 'product-delete', roles: ADMIN_ONLY },
  { method: 'GET', resourcePath: '/orders', handler: 'order-list', roles: ANY_ROLE },
  { method: 'POST', resourcePath: '/orders', handler: 'order-create', roles: ANY_ROLE },
  { method: 'GET', resourcePath: '/orders/{orderId}', handler: 'order-get', roles: ANY_ROLE },
  { method: 'PUT', resourcePath: '/orders/{orderId}', handler: 'order-update', roles: ANY_ROLE },
  { method: 'DELETE', resourcePath: '/orders/{orderId}', handler: 'order-delete', roles: ADMIN_ONLY },
  { method: 'GET', resourcePath: '/users', handler: 'tenant-user-list', roles: ADMIN_ONLY },
  { method: 'POST', resourcePath: '/users', handler: 'tenant-user-create', roles: ADMIN_ONLY },
  { method: 'POST', resourcePath: '/users/{userName}/disable', handler: 'tenant-user-disable', roles: ADMIN_ONLY },
  { method: 'POST', resourcePath: '/users/{userName}/enable', handler: 'tenant-user-enable', roles: ADMIN_ONLY },
];

/** Finds the route for `method` on the resource path template `resourcePath`, such as `/products/{productId}`. */
export function findRoute(method: string, resourcePath: string): ApplicationRoute | undefined {
  return APPLICATION_ROUTES.find((route) => route.method === method && route.resourcePath === resourcePath);
}

export interface MatchedRoute {
  readonly route: ApplicationRoute;
  readonly pathParameters: Record<string, string>;
}

/**
 * Matches a concrete request path such as `/products/p-1` against the route templates, as
 * API Gateway does: each `{param}` matches exactly one non-empty path segment.
 */
export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  const segments = splitPath(path);
  if (segments === undefined) {
    return undefined;
  }
  for (const route of APPLICATION_ROUTES) {
    if (route.method !== method) {
      continue;
    }
    const pathParameters = matchTemplate(splitPath(route.resourcePath) ?? [], segments);
    if (pathParameters) {
      return { route, pathParameters };
    }
  }
  return undefined;
}

function splitPath(path: string): string[] | undefined {
  const trimmed = path.replace(/\/+$/, '');
  const parts = trimmed.split('/').slice(1);
  if (!path.startsWith('/') || parts.some((part) => part === '')) {
    return undefined;
  }
  try {
    return parts.map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
}

function matchTemplate(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) {
    return undefined;
  }
  const parameters: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const placeholder = /^\{(\w+)\}$/.exec(part);
    if (placeholder) {
      parameters[placeholder[1]] = segments[index];
    } else if (part !== segments[index]) {
      return undefined;
    }
  }
  return parameters;
}
