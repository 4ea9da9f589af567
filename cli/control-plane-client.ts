/**
 * Calls the control-plane API handlers in this process, with the HTTP API (payload format
 * 2.0) events that API Gateway would send after its JWT authorizer accepted a system
 * admin. The CLI thereby validates, registers and changes tenants with exactly the code the
 * deployed API runs, on both targets: the handlers' SDK clients reach local engines or AWS
 * according to the environment the target sets up.
 */
import { randomUUID } from 'crypto';
import { CONTROL_PLANE_ROUTES, ControlPlaneRoute } from '../constructs/control-plane/control-plane-routes';
import type { HandlerId } from '../lambdas/catalog';
import { OperationError } from './errors';

export interface ApiRequest {
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

export interface ApiResponse<T> {
  readonly statusCode: number;
  readonly body: T;
}

/** Identity the CLI's calls carry, in place of a signed-in system admin. */
const CLI_CALLER_CLAIMS = {
  sub: 'tenantform-cli',
  username: 'tenantform-cli',
  'cognito:username': 'tenantform-cli',
  'custom:userRole': 'SystemAdmin',
};


export class ControlPlaneClient {
  constructor(private readonly identity: { readonly region: string; readonly accountId: string }) {}

  /**
   * Invokes `handlerId` with `request` on the handler's API route and returns the parsed 2xx
   * response. A 4xx or 5xx response becomes an `OperationError` with the body's message and field.
   */
  async call<T>(handlerId: HandlerId, request: ApiRequest = {}): Promise<ApiResponse<T>> {
    const route = CONTROL_PLANE_ROUTES.find((candidate) => candidate.handler === handlerId);
    if (!route) {
      throw new Error(`handler "${handlerId}" serves no control-plane API route`);
    }
    const [{ invokeLocalHandler }, { onUnhandledError }] = await Promise.all([import('../local/lambda-runtime'), import('../lambdas/shared/unhandled-errors')]);
    const event = buildApiEvent(route, request, this.identity.accountId);
    const requestId = (event.requestContext as { requestId: string }).requestId;
    let cause: unknown;
    const stopListening = onUnhandledError((error, failedRequestId) => {
      if (failedRequestId === requestId) {
        cause = error;
      }
    });
    let result: { statusCode?: number; body?: string } | null;
    try {
      result = (await invokeLocalHandler(handlerId, event, {
        region: this.identity.region,
        accountId: this.identity.accountId,
        timeoutMs: 30_000,
      })) as { statusCode?: number; body?: string } | null;
    } finally {
      stopListening();
    }

    const statusCode = result?.statusCode ?? 200;
    const body = parseBody(result?.body);
    if (statusCode >= 400) {
      const { message, field } = (body ?? {}) as { message?: string; field?: string };
      if (cause !== undefined) {
        // The handler runs in this process, so its request id means nothing to an operator: name the cause.
        throw new OperationError(`${handlerId} failed: ${describeError(cause)}`, field, statusCode);
      }
      throw new OperationError(message ?? `the control plane returned HTTP ${statusCode}`, field, statusCode);
    }
    return { statusCode, body: body as T };
  }
}

/** Builds the event API Gateway sends for `route`, with a token that carries the route's scope. */
export function buildApiEvent(route: ControlPlaneRoute, request: ApiRequest, accountId: string): Record<string, unknown> {
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.pathParameters?.[name] ?? ''));
  const query = Object.fromEntries(Object.entries(request.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const rawQueryString = new URLSearchParams(query).toString();
  const routeKey = `${route.method} ${route.path}`;
  const scopes = route.scope === 'public' ? [] : [route.scope];
  const now = new Date();
  const hasBody = request.body !== undefined;

  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: { 'content-type': 'application/json', 'user-agent': 'tenantform-cli' },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(request.pathParameters ? { pathParameters: { ...request.pathParameters } } : {}),
    requestContext: {
      accountId,
      apiId: 'tenantform-cli',
      domainName: 'tenantform-cli.local',
      domainPrefix: 'tenantform-cli',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'tenantform-cli' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { jwt: { claims: CLI_CALLER_CLAIMS, scopes }, principalId: '', integrationLatency: 0 },
    },
    ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
    isBase64Encoded: false,
  };
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined || body === '') {
    return undefined;
  }
  try {
    return JSON.parse(body);
  } catch {
    return { message: body };
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return String(error);
}
