import type { LocalDynamoDb } from '../../../local/dynamodb';
import { callService, PRODUCTS_TABLE, scanTable, startServiceFixture } from './service-fixture';

let dynamo: LocalDynamoDb;

beforeAll(async () => {
  dynamo = await startServiceFixture();
});

afterAll(async () => {
  await dynamo.stop();
});

const alpha = { tenantId: 'alpha1' };
const beta = { tenantId: 'beta22' };

async function createProduct(caller: { tenantId: string }, body: unknown) {
  return callService('product-create', { method: 'POST', resource: '/products', body, caller });
}

describe('product create', () => {
  test('returns 201 with the price as an exact two-decimal string', async () => {
    const response = await createProduct(alpha, { name: ' Lamp ', price: 19.9, sku: 'LMP-1', description: 'Desk lamp' });

    expect(response.statusCode).toBe(201);
    expect(response.body.name).toBe('Lamp');
    expect(response.body.price).toBe('19.90');
    expect(response.body.sku).toBe('LMP-1');
    expect(response.body.productId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).not.toHaveProperty('tenantId');
  });

  test('stores the decimal price exactly under the tenant key', async () => {
    const response = await createProduct(alpha, { name: 'Cable', price: '1234567.05' });
    const stored = (await scanTable(dynamo, PRODUCTS_TABLE)).find((item) => item.productId.S === response.body.productId);

    expect(stored?.tenantId.S).toBe('alpha1');
    expect(Number(stored?.price.N) * 100).toBe(123456705);
    expect(stored?.price.N).toMatch(/^1234567\.050?$/);
    expect(response.body.price).toBe('1234567.05');
  });

  test.each([
    ['zero', 0, '0.00'],
    ['string with one decimal', '7.5', '7.50'],
    ['integer string', '12', '12.00'],
    ['padded string', ' 3.10 ', '3.10'],
  ])('accepts a %s price', async (_, price, expected) => {
    const response = await createProduct(alpha, { name: 'Item', price });
    expect(response.statusCode).toBe(201);
    expect(response.body.price).toBe(expected);
  });

  test.each([
    ['negative', -1],
    ['negative string', '-0.01'],
    ['three decimals', '1.234'],
    ['float noise', 0.1 + 0.2],
    ['exponent', 1e21],
    ['word', 'ten'],
    ['boolean', true],
    ['leading zero', '01.50'],
    ['thirteen integer digits', '1234567890123'],
    ['null', null],
  ])('rejects a %s price with 400 naming price', async (_, price) => {
    const before = (await scanTable(dynamo, PRODUCTS_TABLE)).length;
    const response = await createProduct(alpha, { name: 'Bad', price });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('price');
    expect((await scanTable(dynamo, PRODUCTS_TABLE)).length).toBe(before);
  });

  test.each([
    ['missing name', { price: 1 }, 'name'],
    ['empty name', { name: '   ', price: 1 }, 'name'],
    ['numeric name', { name: 5, price: 1 }, 'name'],
    ['sku with spaces', { name: 'A', price: 1, sku: 'a b' }, 'sku'],
    ['tenantId in the body', { name: 'A', price: 1, tenantId: 'beta22' }, 'tenantId'],
    ['productId in the body', { name: 'A', price: 1, productId: 'mine' }, 'productId'],
  ])('rejects %s with 400 naming the field', async (_, body, field) => {
    const response = await createProduct(alpha, body);
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe(field);
  });

  test('rejects a body that is not JSON with 400', async () => {
    const response = await callService('product-create', { method: 'POST', resource: '/products', rawBody: '{"name":', caller: alpha });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('body');
  });

  test('rejects a JSON array body with 400', async () => {
    const response = await createProduct(alpha, [{ name: 'A', price: 1 }]);
    expect(response.statusCode).toBe(400);
  });

  test('rejects a non-JSON content type with 415', async () => {
    const response = await callService('product-create', {
      method: 'POST',
      resource: '/products',
      rawBody: 'name=A',
      contentType: 'application/x-www-form-urlencoded',
      caller: alpha,
    });
    expect(response.statusCode).toBe(415);
    expect(response.body.field).toBe('content-type');
  });

  test('rejects a body over 64 KiB with 413', async () => {
    const response = await createProduct(alpha, { name: 'A', price: 1, description: 'x'.repeat(70 * 1024) });
    expect(response.statusCode).toBe(413);
  });

  test('rejects a request without authorizer context with 403', async () => {
    const response = await callService('product-create', { method: 'POST', resource: '/products', body: { name: 'A', price: 1 }, caller: null });
    expect(response.statusCode).toBe(403);
  });
});

describe('product get, update and delete', () => {
  let productId: string;

  beforeEach(async () => {
    productId = (await createProduct(alpha, { name: 'Chair', price: '49.00', sku: 'CH-1', description: 'Oak' })).body.productId;
  });

  const byId = (id: string) => ({ productId: id });

  test('get returns the tenant its own product', async () => {
    const response = await callService('product-get', { method: 'GET', resource: '/products/{productId}', pathParameters: byId(productId), caller: alpha });
    expect(response.statusCode).toBe(200);
    expect(response.body.price).toBe('49.00');
  });

  test('get of another tenant product is 404', async () => {
    const response = await callService('product-get', { method: 'GET', resource: '/products/{productId}', pathParameters: byId(productId), caller: beta });
    expect(response.statusCode).toBe(404);
    expect(response.body.field).toBe('productId');
  });

  test('get with a malformed id is 400', async () => {
    const response = await callService('product-get', { method: 'GET', resource: '/products/{productId}', pathParameters: byId('a b'), caller: alpha });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('productId');
  });

  test('update replaces the fields and removes the ones left out', async () => {
    const response = await callService('product-update', {
      method: 'PUT',
      resource: '/products/{productId}',
      pathParameters: byId(productId),
      body: { name: 'Chair v2', price: 55 },
      caller: alpha,
    });

    expect(response.statusCode).toBe(200);
    expect(response.body.name).toBe('Chair v2');
    expect(response.body.price).toBe('55.00');
    expect(response.body).not.toHaveProperty('sku');
    expect(response.body).not.toHaveProperty('description');
  });

  test('update of another tenant product is 404 and leaves it unchanged', async () => {
    const response = await callService('product-update', {
      method: 'PUT',
      resource: '/products/{productId}',
      pathParameters: byId(productId),
      body: { name: 'Hijacked', price: 0 },
      caller: beta,
    });
    const after = await callService('product-get', { method: 'GET', resource: '/products/{productId}', pathParameters: byId(productId), caller: alpha });

    expect(response.statusCode).toBe(404);
    expect(after.body.name).toBe('Chair');
    expect((await scanTable(dynamo, PRODUCTS_TABLE)).some((item) => item.tenantId.S === 'beta22' && item.productId.S === productId)).toBe(false);
  });

  test('update of a missing product is 404 and creates nothing', async () => {
    const before = (await scanTable(dynamo, PRODUCTS_TABLE)).length;
    const response = await callService('product-update', {
      method: 'PUT',
      resource: '/products/{productId}',
      pathParameters: byId('no-such-product'),
      body: { name: 'Ghost', price: 1 },
      caller: alpha,
    });

    expect(response.statusCode).toBe(404);
    expect((await scanTable(dynamo, PRODUCTS_TABLE)).length).toBe(before);
  });

  test('update with an invalid body is 400 and leaves the product unchanged', async () => {
    const response = await callService('product-update', {
      method: 'PUT',
      resource: '/products/{productId}',
      pathParameters: byId(productId),
      body: { name: 'Chair', price: '-3' },
      caller: alpha,
    });
    const after = await callService('product-get', { method: 'GET', resource: '/products/{productId}', pathParameters: byId(productId), caller: alpha });

    expect(response.statusCode).toBe(400);
    expect(after.body.price).toBe('49.00');
  });

  test('delete of another tenant product is 404 and keeps it', async () => {
    const response = await callService('product-delete', { method: 'DELETE', resource: '/products/{productId}', pathParameters: byId(productId), caller: beta });
    const after = await callService('product-get', { method: 'GET', resource: '/products/{productId}', pathParameters: byId(productId), caller: alpha });

    expect(response.statusCode).toBe(404);
    expect(after.statusCode).toBe(200);
  });

  test('delete removes the product, then a second delete is 404', async () => {
    const first = await callService('product-delete', { method: 'DELETE', resource: '/products/{productId}', pathParameters: byId(productId), caller: alpha });
    const second = await callService('product-delete', { method: 'DELETE', resource: '/products/{productId}', pathParameters: byId(productId), caller: alpha });

    expect(first.statusCode).toBe(204);
    expect(second.statusCode).toBe(404);
  });
});

describe('product list', () => {
  const gamma = { tenantId: 'gamma3' };
  const delta = { tenantId: 'delta4' };

  beforeAll(async () => {
    for (let index = 0; index < 5; index += 1) {
      await createProduct(gamma, { name: `Gamma ${index}`, price: index });
    }
    await createProduct(delta, { name: 'Delta only', price: 1 });
  });

  const list = (caller: { tenantId: string }, query?: Record<string, string>) =>
    callService('product-list', { method: 'GET', resource: '/products', query, caller });

  test('pages through every product of the tenant and nothing else', async () => {
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await list(gamma, { limit: '2', ...(cursor ? { cursor } : {}) });
      expect(response.statusCode).toBe(200);
      names.push(...response.body.items.map((item: { name: string }) => item.name));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor);

    expect(names.sort()).toEqual(['Gamma 0', 'Gamma 1', 'Gamma 2', 'Gamma 3', 'Gamma 4']);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  test('returns 25 items at most by default and no cursor on the last page', async () => {
    const response = await list(delta);
    expect(response.body.items.map((item: { name: string }) => item.name)).toEqual(['Delta only']);
    expect(response.body.nextCursor).toBeUndefined();
  });

  test.each(['0', '101', 'ten', '1.5', '-1'])('rejects limit %s with 400', async (limit) => {
    const response = await list(gamma, { limit });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('limit');
  });

  test('rejects a garbled cursor with 400', async () => {
    const response = await list(gamma, { cursor: 'not a cursor!' });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('cursor');
  });

  test('rejects another tenant cursor with 400', async () => {
    const gammaPage = await list(gamma, { limit: '1' });
    const response = await list(delta, { cursor: gammaPage.body.nextCursor });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('cursor');
  });
});

describe('product handlers in a silo stack', () => {
  afterEach(() => {
    process.env.TENANT_MODEL = 'pool';
    delete process.env.TENANT_ID;
  });

  test('serve the stack tenant', async () => {
    process.env.TENANT_MODEL = 'silo';
    process.env.TENANT_ID = 'alpha1';
    const response = await createProduct(alpha, { name: 'Silo item', price: 2 });
    expect(response.statusCode).toBe(201);
  });

  test('reject a token of another tenant with 403', async () => {
    process.env.TENANT_MODEL = 'silo';
    process.env.TENANT_ID = 'alpha1';
    const response = await createProduct(beta, { name: 'Intruder', price: 2 });
    expect(response.statusCode).toBe(403);
  });
});
