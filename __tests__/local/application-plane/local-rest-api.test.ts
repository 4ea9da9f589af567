import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent } from 'aws-lambda';
import { startLocalRestApi, LocalRestApi } from '../../../local/application-plane/local-rest-api';
import { UsagePlanThrottle } from '../../../local/application-plane/usage-plan-throttle';
import type { ApiKeyRecord, UsagePlanRecord } from '../../../local/emulators/api-gateway';
import { LambdaInvocationError } from '../../../local/lambda-runtime';
import type { HandlerId } from '../../../lambdas/catalog';

const KEY: ApiKeyRecord = { id: 'key1', value: 'k'.repeat(40), name: 'tenantform-t1', enabled: true, createdDate: 0, lastUpdatedDate: 0 };
const PLAN: UsagePlanRecord = { id: 'plan1', name: 'tenantform-BASIC', apiStages: [], throttle: { rateLimit: 10, burstLimit: 2 }, quota: { limit: 3, period: 'DAY' } };

type Invoke = (id: HandlerId, event: any) => Promise<unknown>;

let api: LocalRestApi;
let invoke: jest.Mock<ReturnType<Invoke>, Parameters<Invoke>>;
let keys: ApiKeyRecord[];
let now: number;

function allow(event: { methodArn: string }, extra: Partial<APIGatewayAuthorizerResult> = {}): APIGatewayAuthorizerResult {
  return {
    principalId: 'user-1',
    policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: event.methodArn.replace(/\/[^/]+\/[^/]+\/.*$/, '/*/*') }] },
    context: { tenantId: 't1', role: 'TenantAdmin' },
    usageIdentifierKey: KEY.value,
    ...extra,
  };
}

async function startApi(options: { authorizerCacheSeconds?: number } = {}): Promise<void> {
  api = await startLocalRestApi({
    apiGateway: {
      findApiKeyByValue: (value) => keys.find((key) => key.value === value),
      usagePlanOfKey: (keyId) => (keyId === KEY.id ? PLAN : undefined),
    },
    invoke: (id, event) => invoke(id, event),
    throttle: new UsagePlanThrottle(() => now),
    authorizerCacheSeconds: options.authorizerCacheSeconds,
  });
}

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1, 12);
  keys = [{ ...KEY }];
  invoke = jest.fn(async (id: HandlerId, event: any) =>
    id === 'authorizer' ? allow(event) : { statusCode: 200, headers: { 'x-handler': id }, body: JSON.stringify({ id, path: event.pathParameters, query: event.multiValueQueryStringParameters }) },
  );
  await startApi();
});

afterEach(async () => {
  await api.stop();
});

const call = (method: string, path: string, headers: Record<string, string> = { authorization: 'Bearer token' }) =>
  fetch(`${api.url}${path}`, { method, headers }).then(async (response) => ({
    status: response.status,
    headers: response.headers,
    body: (await response.json().catch(() => undefined)) as any,
  }));

describe('local REST API', () => {
  test('routes to the handler with the authorizer context', async () => {
    const response = await call('GET', '/products/p-1?tag=a&tag=b');
    const handlerEvent = invoke.mock.calls[1][1] as APIGatewayProxyEvent;

    expect(response.status).toBe(200);
    expect(response.headers.get('x-handler')).toBe('product-get');
    expect(response.body.path).toEqual({ productId: 'p-1' });
    expect(response.body.query).toEqual({ tag: ['a', 'b'] });
    expect(handlerEvent.requestContext.authorizer).toMatchObject({ tenantId: 't1', principalId: 'user-1' });
  });

  test('passes the REQUEST authorizer the route and method ARN', async () => {
    await call('DELETE', '/orders/o-9');
    const authorizerEvent = invoke.mock.calls[0][1];

    expect(invoke.mock.calls[0][0]).toBe('authorizer');
    expect(authorizerEvent.type).toBe('REQUEST');
    expect(authorizerEvent.resource).toBe('/orders/{orderId}');
    expect(authorizerEvent.methodArn).toMatch(/^arn:aws:execute-api:us-east-1:123456789012:\w+\/prod\/DELETE\/orders\/o-9$/);
  });

  test.each([
    ['an unknown path', 'GET', '/invoices'],
    ['an unknown method', 'PATCH', '/products'],
  ])('answers %s with Missing Authentication Token', async (_, method, path) => {
    const response = await call(method, path);
    expect(response.status).toBe(403);
    expect(response.body.message).toBe('Missing Authentication Token');
    expect(invoke).not.toHaveBeenCalled();
  });

  test('rejects another stage', async () => {
    const response = await fetch(api.url.replace('/prod', '/dev') + '/products', { headers: { authorization: 'x' } });
    expect(response.status).toBe(403);
  });

  test('returns 401 without an Authorization header and skips the authorizer', async () => {
    const response = await call('GET', '/products', {});
    expect(response.status).toBe(401);
    expect(invoke).not.toHaveBeenCalled();
  });

  test('returns 401 when the authorizer throws Unauthorized', async () => {
    invoke.mockRejectedValueOnce(new LambdaInvocationError('Error', 'Unauthorized', 'authorizer'));
    expect((await call('GET', '/products')).status).toBe(401);
  });

  test('returns 500 when the authorizer fails otherwise', async () => {
    invoke.mockRejectedValueOnce(new LambdaInvocationError('Error', 'registry unreachable', 'authorizer'));
    const response = await call('GET', '/products');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ message: null });
  });

  test('returns 403 for an explicit deny', async () => {
    invoke.mockImplementationOnce(async (_id, event) => ({
      principalId: 'u',
      policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: event.methodArn }] },
    }));
    const response = await call('GET', '/products');
    expect(response.status).toBe(403);
    expect(response.body.message).toBe('User is not authorized to access this resource with an explicit deny');
  });

  test('returns 403 when no Allow matches the method', async () => {
    invoke.mockImplementationOnce(async (_id, event) => allow(event, { policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:us-east-1:123456789012:other/prod/GET/products' }] } }));
    const response = await call('GET', '/products');
    expect(response.status).toBe(403);
    expect(response.body.message).toBe('User is not authorized to access this resource');
  });

  test.each([
    ['no key', { usageIdentifierKey: undefined }],
    ['an unknown key', { usageIdentifierKey: 'u'.repeat(40) }],
  ])('returns 403 Forbidden for %s', async (_, extra) => {
    invoke.mockImplementationOnce(async (_id, event) => allow(event, extra));
    const response = await call('GET', '/products');
    expect(response.status).toBe(403);
    expect(response.body.message).toBe('Forbidden');
  });

  test('returns 403 Forbidden for a disabled key', async () => {
    keys[0].enabled = false;
    expect((await call('GET', '/products')).status).toBe(403);
  });

  test('throttles past the burst and then the quota', async () => {
    const burst = [await call('GET', '/products'), await call('GET', '/products'), await call('GET', '/products')];
    now += 1000;
    const afterRefill = [await call('GET', '/products'), await call('GET', '/products')];

    expect(burst.map((response) => response.status)).toEqual([200, 200, 429]);
    expect(burst[2].body.message).toBe('Too Many Requests');
    expect(afterRefill.map((response) => response.status)).toEqual([200, 429]);
    expect(afterRefill[1].body.message).toBe('Limit Exceeded');
  });

  test('returns 502 when the handler throws', async () => {
    invoke.mockImplementation(async (id, event) => {
      if (id === 'authorizer') {
        return allow(event);
      }
      throw new LambdaInvocationError('TypeError', 'boom', id);
    });
    const response = await call('GET', '/products');
    expect(response.status).toBe(502);
    expect(response.body.message).toBe('Internal server error');
  });

  test('returns 502 for a malformed proxy result', async () => {
    invoke.mockImplementation(async (id, event) => (id === 'authorizer' ? allow(event) : { body: 'no status' }));
    expect((await call('GET', '/products')).status).toBe(502);
  });

  test('caches the authorizer result when asked to', async () => {
    await api.stop();
    await startApi({ authorizerCacheSeconds: 300 });
    await call('GET', '/products');
    await call('GET', '/orders');
    const authorizerCalls = invoke.mock.calls.filter(([id]) => id === 'authorizer');
    expect(authorizerCalls).toHaveLength(1);
  });

  test('invokes the authorizer on every request by default', async () => {
    await call('GET', '/products');
    await call('GET', '/products');
    expect(invoke.mock.calls.filter(([id]) => id === 'authorizer')).toHaveLength(2);
  });
});
