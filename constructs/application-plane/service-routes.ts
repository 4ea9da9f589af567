/**
 * Routes of the application's REST API. Each method has its own handler, so an update or
 * a delete can never reach the create function.
 */
import type { HandlerId } from '../../lambdas/catalog';
import { APPLICATION_ROUTES } from '../../lambdas/application-plane/shared/routes';

export interface ServiceRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly handler: HandlerId;
}

/**
 * The methods the stack creates, from the route table the authorizer and the local API
 * harness also use, so the stack cannot wire a method that the authorizer does not know.
 */
export const SERVICE_ROUTES: readonly ServiceRoute[] = APPLICATION_ROUTES.map((route) => ({
  method: route.method,
  path: route.resourcePath,
  handler: route.handler,
}));
