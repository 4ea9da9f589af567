import { APPLICATION_ROUTES, findRoute, matchRoute } from '../../../lambdas/application-plane/shared/routes';
import { SERVICE_ROUTES } from '../../../constructs/application-plane/service-routes';
import { APPLICATION_PLANE_HANDLERS } from '../../../lambdas/catalog';

describe('application routes', () => {
  test('match the methods the stack creates', () => {
    const ours = APPLICATION_ROUTES.map((route) => `${route.method} ${route.resourcePath} ${route.handler}`).sort();
    const stack = SERVICE_ROUTES.map((route) => `${route.method} ${route.path} ${route.handler}`).sort();
    expect(ours).toEqual(stack);
  });

  test('give each route its own handler', () => {
    const handlers = APPLICATION_ROUTES.map((route) => route.handler);
    expect(new Set(handlers).size).toBe(handlers.length);
  });

  test('cover every application handler except the authorizer', () => {
    const routed = new Set(APPLICATION_ROUTES.map((route) => route.handler));
    const catalogued = APPLICATION_PLANE_HANDLERS.map((entry) => entry.id).filter((id) => id !== 'authorizer');
    expect(catalogued.filter((id) => !routed.has(id))).toEqual([]);
  });

  test('never send PUT or DELETE to a create handler', () => {
    for (const route of APPLICATION_ROUTES.filter((candidate) => candidate.method === 'PUT' || candidate.method === 'DELETE')) {
      expect(route.handler).not.toMatch(/-create$/);
    }
  });

  test('keep deletes and user management to TenantAdmin', () => {
    const adminOnly = APPLICATION_ROUTES.filter((route) => route.method === 'DELETE' || route.resourcePath.startsWith('/users'));
    expect(adminOnly.length).toBe(6);
    for (const route of adminOnly) {
      expect(route.roles).toEqual(['TenantAdmin']);
    }
  });
});

describe('route matching', () => {
  test('extracts path parameters', () => {
    const matched = matchRoute('PUT', '/products/p-1');
    expect(matched?.route.handler).toBe('product-update');
    expect(matched?.pathParameters).toEqual({ productId: 'p-1' });
  });

  test('decodes an encoded parameter', () => {
    expect(matchRoute('POST', '/users/ana%40example.com/disable')?.pathParameters).toEqual({ userName: 'ana@example.com' });
  });

  test('accepts a trailing slash', () => {
    expect(matchRoute('GET', '/products/')?.route.handler).toBe('product-list');
  });

  test.each([
    ['PATCH', '/products/p-1'],
    ['GET', '/products/p-1/extra'],
    ['GET', '/products//p-1'],
    ['GET', '/users/ana'],
    ['GET', 'products'],
    ['GET', '/products/%E0%A4%A'],
  ])('finds no route for %s %s', (method, path) => {
    expect(matchRoute(method, path)).toBeUndefined();
  });

  test('finds a route by its resource template', () => {
    expect(findRoute('DELETE', '/orders/{orderId}')?.handler).toBe('order-delete');
    expect(findRoute('DELETE', '/orders/o-1')).toBeUndefined();
  });
});
