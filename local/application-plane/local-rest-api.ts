/**
 * The pooled application-plane REST API served on 127.0.0.1 with the real handlers. Each
 * request goes through the steps API Gateway takes for a method with a REQUEST authorizer,
 * `api_key_required` and the API key source AUTHORIZER:
 * 1. route by method and resource path (no route: 403 Missing Authentication Token);
 * 2. invoke the authorizer (no Authorization header or `Unauthorized`: 401; a Deny or no
 *    matching Allow: 403; any other failure: 500);
 * 3. look up the returned `usageIdentifierKey` among the API keys (none, disabled, or in no
 *    usage plan: 403), then apply that key's usage plan (429 when throttled or past quota);
 * 4. invoke the route's handler with a proxy event that carries the authorizer context.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { randomUUID } from 'crypto';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { HandlerId } from '../../lambdas/catalog';
import { matchRoute } from '../../lambdas/application-plane/shared/routes';
import { invokeLocalHandler, LambdaInvocationError } from '../lambda-runtime';
import type { LocalApiGateway } from '../emulators/api-gateway';
import { GATEWAY_RESPONSES, GatewayResponse } from './api-gateway-responses';
import { UsagePlanThrottle } from './usage-plan-throttle';
import { policyDecision } from './authorizer-policy';

export interface LocalRestApiOptions {
  /** API keys and usage plans, as the lifecycle handlers created them. */
  readonly apiGateway: Pick<LocalApiGateway, 'findApiKeyByValue' | 'usagePlanOfKey'>;
  readonly region?: string;
  readonly accountId?: string;
  /** @default 'prod' */
  readonly stage?: string;
  /** Seconds an authorizer result is reused for the same Authorization header; 0 turns caching off. @default 0 */
  readonly authorizerCacheSeconds?: number;
  readonly throttle?: UsagePlanThrottle;
  /** Invokes a catalog handler; the in-process Lambda runtime by default. */
  readonly invoke?: (id: HandlerId, event: unknown) => Promise<unknown>;
}

export interface LocalRestApi {
  /** Invoke URL of the stage, such as `http://127.0.0.1:41235/prod`. */
  readonly url: string;
  readonly throttle: UsagePlanThrottle;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startLocalRestApi(options: LocalRestApiOptions): Promise<LocalRestApi> {
  const settings = {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
    stage: options.stage ?? 'prod',
    apiId: `local${randomUUID().slice(0, 6)}`,
    cacheMs: (options.authorizerCacheSeconds ?? 0) * 1000,
    invoke: options.invoke ?? serialInvoker(),
  };
  const throttle = options.throttle ?? new UsagePlanThrottle();
  const authorizerCache = new Map<string, { result: APIGatewayAuthorizerResult; expiresAt: number }>();

  const server = http.createServer((request, response) => {
    readBody(request)
      .then((body) => serve(request, body))
      .catch(() => GATEWAY_RESPONSES.integrationFailure())
      .then((result) => {
        response.writeHead(result.statusCode, result.headers);
        response.end(result.body);
      });
  });

  async function serve(request: http.IncomingMessage, body: Buffer): Promise<GatewayResponse> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const stagePrefix = `/${settings.stage}`;
    if (!url.pathname.startsWith(`${stagePrefix}/`)) {
      return GATEWAY_RESPONSES.missingAuthenticationToken();
    }
    const path = url.pathname.slice(stagePrefix.length);
    const matched = matchRoute(method, path);
    if (!matched) {
      return GATEWAY_RESPONSES.missingAuthenticationToken();
    }

    const headers = singleValueHeaders(request);
    const authorization = headers.Authorization ?? headers.authorization;
    if (!authorization) {
      return GATEWAY_RESPONSES.unauthorized();
    }

    const requestId = randomUUID();
    const methodArn = `arn:aws:execute-api:${settings.region}:${settings.accountId}:${settings.apiId}/${settings.stage}/${method}${path}`;
    const query = queryParameters(url);
    const requestContext = {
      accountId: settings.accountId,
      apiId: settings.apiId,
      httpMethod: method,
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: matched.route.resourcePath,
      resourcePath: matched.route.resourcePath,
      stage: settings.stage,
      identity: { sourceIp: '127.0.0.1', userAgent: headers['User-Agent'] ?? headers['user-agent'] ?? null },
    };

    let authorizerResult: APIGatewayAuthorizerResult;
    try {
      authorizerResult = await authorize(authorization, {
        type: 'REQUEST',
        methodArn,
        resource: matched.route.resourcePath,
        path,
        httpMethod: method,
        headers,
        multiValueHeaders: multiValueHeaders(request),
        queryStringParameters: query.single,
        multiValueQueryStringParameters: query.multi,
        pathParameters: matched.pathParameters,
        stageVariables: null,
        requestContext: requestContext as unknown as APIGatewayRequestAuthorizerEvent['requestContext'],
      });
    } catch (error) {
      return error instanceof LambdaInvocationError && error.message === 'Unauthorized'
        ? GATEWAY_RESPONSES.unauthorized()
        : GATEWAY_RESPONSES.authorizerFailure();
    }

    const decision = policyDecision(authorizerResult, methodArn);
    if (decision !== 'Allow') {
      return decision === 'ExplicitDeny' ? GATEWAY_RESPONSES.explicitDeny() : GATEWAY_RESPONSES.accessDenied();
    }

    const key = authorizerResult.usageIdentifierKey ? options.apiGateway.findApiKeyByValue(authorizerResult.usageIdentifierKey) : undefined;
    const plan = key?.enabled ? options.apiGateway.usagePlanOfKey(key.id) : undefined;
    if (!key || !plan) {
      return GATEWAY_RESPONSES.forbidden();
    }
    const admission = throttle.admit(key.id, { ...plan.throttle, quota: plan.quota });
    if (!admission.allowed) {
      return admission.reason === 'throttled' ? GATEWAY_RESPONSES.throttled() : GATEWAY_RESPONSES.quotaExceeded();
    }

    const event: APIGatewayProxyEvent = {
      resource: matched.route.resourcePath,
      path,
      httpMethod: method,
      headers,
      multiValueHeaders: multiValueHeaders(request),
      queryStringParameters: query.single,
      multiValueQueryStringParameters: query.multi,
      pathParameters: Object.keys(matched.pathParameters).length > 0 ? matched.pathParameters : null,
      stageVariables: null,
      body: body.length > 0 ? body.toString('utf8') : null,
      isBase64Encoded: false,
      requestContext: {
        ...requestContext,
        authorizer: { ...(authorizerResult.context ?? {}), principalId: authorizerResult.principalId, integrationLatency: 0 },
      } as unknown as APIGatewayProxyEvent['requestContext'],
    };
    return integrate(matched.route.handler, event);
  }

  async function authorize(authorization: string, event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
    const cached = authorizerCache.get(authorization);
    if (cached && cached.expiresAt > Date.now()) {
      return cached.result;
    }
    const result = (await settings.invoke('authorizer', event)) as APIGatewayAuthorizerResult;
    if (settings.cacheMs > 0) {
      authorizerCache.set(authorization, { result, expiresAt: Date.now() + settings.cacheMs });
    }
    return result;
  }

  async function integrate(handlerId: HandlerId, event: APIGatewayProxyEvent): Promise<GatewayResponse> {
    let result: APIGatewayProxyResult;
    try {
      result = (await settings.invoke(handlerId, event)) as APIGatewayProxyResult;
    } catch {
      return GATEWAY_RESPONSES.integrationFailure();
    }
    if (!result || typeof result.statusCode !== 'number') {
      return GATEWAY_RESPONSES.integrationFailure();
    }
    const responseBody = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? '');
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) {
      responseHeaders[name] = String(value);
    }
    return { statusCode: result.statusCode, headers: responseHeaders, body: responseBody };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/${settings.stage}`,
    throttle,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Invokes handlers one at a time. Lambda runs one invocation per execution environment at
 * a time, and the handlers keep per-invocation state (log keys, metric dimensions) in
 * module-level objects. In one process, concurrent invocations would share that state.
 */
function serialInvoker(): (id: HandlerId, event: unknown) => Promise<unknown> {
  let queue: Promise<unknown> = Promise.resolve();
  return (id, event) => {
    const result = queue.then(() => invokeLocalHandler(id, event));
    queue = result.catch(() => undefined);
    return result;
  };
}

/** Header names keep the case the client sent; repeated headers keep the last value, as API Gateway does. */
function singleValueHeaders(request: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    headers[request.rawHeaders[index]] = request.rawHeaders[index + 1];
  }
  return headers;
}

function multiValueHeaders(request: http.IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    (headers[request.rawHeaders[index]] ??= []).push(request.rawHeaders[index + 1]);
  }
  return headers;
}

function queryParameters(url: URL): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  if ([...url.searchParams.keys()].length === 0) {
    return { single: null, multi: null };
  }
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy(new Error(`request body exceeds ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
