import './enable-powertools';
import type { LocalDynamoDb } from '../../../local/dynamodb';
import { invokeLocalHandler } from '../../../local/lambda-runtime';
import { tracer } from '../../../lambdas/shared/powertools';
import { callService, startServiceFixture } from './service-fixture';

let dynamo: LocalDynamoDb;

beforeAll(async () => {
  dynamo = await startServiceFixture();
});

afterAll(async () => {
  await dynamo.stop();
});

/** Runs `work` and returns every JSON line it wrote to stdout. */
async function captureStdout(work: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line));
}

const isEmf = (line: Record<string, any>) => line._aws?.CloudWatchMetrics !== undefined;

describe('service observability', () => {
  test('log lines carry the tenant, tier and request id', async () => {
    let requestId = '';
    const lines = await captureStdout(async () => {
      const response = await callService('product-create', { method: 'POST', resource: '/products', body: { name: 'Logged', price: 1 }, caller: { tenantId: 'logtenant', tier: 'PREMIUM' } });
      requestId = String(response.statusCode);
    });
    const served = lines.find((line) => line.message === 'request served');

    expect(requestId).toBe('201');
    expect(served?.tenantId).toBe('logtenant');
    expect(served?.tenantTier).toBe('PREMIUM');
    expect(served?.requestId).toMatch(/^request-/);
    expect(served?.service).toBe('application-plane-test');
  });

  test('an EMF blob carries the tenant dimension', async () => {
    const lines = await captureStdout(() =>
      callService('product-create', { method: 'POST', resource: '/products', body: { name: 'Counted', price: 1 }, caller: { tenantId: 'emftenant' } }),
    );
    const emf = lines.find(isEmf);
    const directive = emf?._aws.CloudWatchMetrics[0];

    expect(directive?.Namespace).toBe('TenantformTest');
    expect(directive?.Dimensions[0]).toContain('tenantId');
    expect(directive?.Metrics.map((metric: { Name: string }) => metric.Name)).toContain('ProductCreated');
    expect(emf?.tenantId).toBe('emftenant');
    expect(emf?.ProductCreated).toBe(1);
  });

  test('clears the tenant keys after each request', async () => {
    await captureStdout(() => callService('product-create', { method: 'POST', resource: '/products', body: { name: 'First', price: 1 }, caller: { tenantId: 'firsttenant' } }));
    const lines = await captureStdout(() => callService('product-create', { method: 'POST', resource: '/products', body: { name: 'No context', price: 1 }, caller: null }));
    const rejected = lines.find((line) => line.message === 'request rejected');

    expect(rejected?.statusCode).toBe(403);
    expect(rejected).not.toHaveProperty('tenantId');
    expect(lines.some(isEmf)).toBe(false);
  });

  test('annotates the trace with the tenant', async () => {
    const annotate = jest.spyOn(tracer, 'putAnnotation');
    await captureStdout(() => callService('product-list', { method: 'GET', resource: '/products', caller: { tenantId: 'tracetenant', tier: 'STANDARD' } }));
    const calls = [...annotate.mock.calls];
    annotate.mockRestore();

    expect(calls).toContainEqual(['tenantId', 'tracetenant']);
    expect(calls).toContainEqual(['tenantTier', 'STANDARD']);
  });

  test('writes no credentials to the log', async () => {
    const lines = await captureStdout(() =>
      callService('product-get', { method: 'GET', resource: '/products/{productId}', pathParameters: { productId: 'missing' }, caller: { tenantId: 'secrettenant' } }),
    );
    const text = JSON.stringify(lines);

    expect(lines.length).toBeGreaterThan(0);
    expect(text).not.toContain('ASIASECRETTENANT');
    expect(text).not.toContain('"sessionToken"');
  });
});

describe('authorizer observability without a tenant', () => {
  test('counts a rejected token', async () => {
    process.env.USER_POOL_ID = 'us-east-1_test';
    process.env.USER_POOL_CLIENT_ID = 'client';
    process.env.TOKEN_ISSUER = 'http://127.0.0.1:1/us-east-1_test';
    const lines = await captureStdout(() =>
      invokeLocalHandler('authorizer', {
        type: 'REQUEST',
        methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/products',
        resource: '/products',
        httpMethod: 'GET',
        headers: { Authorization: 'Bearer not-a-jwt' },
        requestContext: { requestId: 'observed' },
      }).catch(() => undefined),
    );
    const rejected = lines.find((line) => line.message === 'token rejected');
    const emf = lines.find(isEmf);

    expect(rejected?.requestId).toBe('observed');
    expect(emf?.AuthorizerUnauthorized).toBe(1);
  });
});
