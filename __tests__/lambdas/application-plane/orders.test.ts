import type { LocalDynamoDb } from '../../../local/dynamodb';
import { callService, ORDERS_TABLE, scanTable, startServiceFixture } from './service-fixture';

let dynamo: LocalDynamoDb;
const alpha = { tenantId: 'ordera1' };
const beta = { tenantId: 'orderb2' };
let pen: string;
let ink: string;
let betaProduct: string;

async function createProduct(caller: { tenantId: string }, name: string, price: string): Promise<string> {
  const response = await callService('product-create', { method: 'POST', resource: '/products', body: { name, price }, caller });
  return response.body.productId;
}

const createOrder = (caller: { tenantId: string }, body: unknown) =>
  callService('order-create', { method: 'POST', resource: '/orders', body, caller });

beforeAll(async () => {
  dynamo = await startServiceFixture();
  pen = await createProduct(alpha, 'Pen', '19.99');
  ink = await createProduct(alpha, 'Ink', '0.01');
  betaProduct = await createProduct(beta, 'Beta widget', '5.00');
});

afterAll(async () => {
  await dynamo.stop();
});

describe('order create', () => {
  test('prices the lines exactly and returns 201', async () => {
    const response = await createOrder(alpha, { items: [{ productId: pen, quantity: 3 }, { productId: ink, quantity: 7 }], note: 'rush' });

    expect(response.statusCode).toBe(201);
    expect(response.body.total).toBe('60.04');
    expect(response.body.items[0]).toEqual({ productId: pen, name: 'Pen', quantity: 3, unitPrice: '19.99', lineTotal: '59.97' });
    expect(response.body.status).toBe('PLACED');
    expect(response.body.note).toBe('rush');
  });

  test('rejects a product of another tenant with 400 and writes nothing', async () => {
    const before = (await scanTable(dynamo, ORDERS_TABLE)).length;
    const response = await createOrder(alpha, { items: [{ productId: pen, quantity: 1 }, { productId: betaProduct, quantity: 1 }] });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('items[1].productId');
    expect((await scanTable(dynamo, ORDERS_TABLE)).length).toBe(before);
  });

  test('rejects a product that does not exist with 400', async () => {
    const response = await createOrder(alpha, { items: [{ productId: 'missing-product', quantity: 1 }] });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('items[0].productId');
  });

  test.each([
    ['zero', 0],
    ['negative', -2],
    ['fraction', 1.5],
    ['string', '2'],
    ['too large', 10001],
    ['missing', undefined],
  ])('rejects a %s quantity with 400 naming the item', async (_, quantity) => {
    const response = await createOrder(alpha, { items: [{ productId: pen, quantity: 1 }, { productId: ink, quantity }] });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('items[1].quantity');
  });

  test.each([
    ['no items', {}, 'items'],
    ['empty items', { items: [] }, 'items'],
    ['items not an array', { items: { productId: 'x', quantity: 1 } }, 'items'],
    ['an item that is not an object', { items: ['pen'] }, 'items[0]'],
    ['an unknown item field', { items: [{ productId: 'p1', quantity: 1, price: '0.01' }] }, 'items[0].price'],
    ['an unknown order field', { items: [{ productId: 'p1', quantity: 1 }], total: '0.00' }, 'total'],
    ['a malformed product id', { items: [{ productId: '../x', quantity: 1 }] }, 'items[0].productId'],
    ['a note that is too long', { items: [{ productId: 'p1', quantity: 1 }], note: 'n'.repeat(501) }, 'note'],
  ])('rejects %s with 400 naming the field', async (_, body, field) => {
    const response = await createOrder(alpha, body);
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe(field);
  });

  test('rejects the same product twice with 400', async () => {
    const response = await createOrder(alpha, { items: [{ productId: pen, quantity: 1 }, { productId: pen, quantity: 2 }] });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('items[1].productId');
  });

  test('rejects more than 50 items with 400', async () => {
    const items = Array.from({ length: 51 }, (_, index) => ({ productId: `p${index}`, quantity: 1 }));
    const response = await createOrder(alpha, { items });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('items');
  });
});

describe('order get, update and delete', () => {
  let orderId: string;

  beforeEach(async () => {
    orderId = (await createOrder(alpha, { items: [{ productId: pen, quantity: 1 }], note: 'first' })).body.orderId;
  });

  const byId = (id: string) => ({ orderId: id });

  test('get returns the order to its tenant', async () => {
    const response = await callService('order-get', { method: 'GET', resource: '/orders/{orderId}', pathParameters: byId(orderId), caller: alpha });
    expect(response.statusCode).toBe(200);
    expect(response.body.total).toBe('19.99');
  });

  test('get of another tenant order is 404', async () => {
    const response = await callService('order-get', { method: 'GET', resource: '/orders/{orderId}', pathParameters: byId(orderId), caller: beta });
    expect(response.statusCode).toBe(404);
    expect(response.body.field).toBe('orderId');
  });

  test('update reprices from the current products and removes the note', async () => {
    await callService('product-update', {
      method: 'PUT',
      resource: '/products/{productId}',
      pathParameters: { productId: ink },
      body: { name: 'Ink', price: '0.10' },
      caller: alpha,
    });
    const response = await callService('order-update', {
      method: 'PUT',
      resource: '/orders/{orderId}',
      pathParameters: byId(orderId),
      body: { items: [{ productId: ink, quantity: 3 }] },
      caller: alpha,
    });

    expect(response.statusCode).toBe(200);
    expect(response.body.total).toBe('0.30');
    expect(response.body.items).toHaveLength(1);
    expect(response.body).not.toHaveProperty('note');
  });

  test('update of another tenant order is 404 and leaves it unchanged', async () => {
    const response = await callService('order-update', {
      method: 'PUT',
      resource: '/orders/{orderId}',
      pathParameters: byId(orderId),
      body: { items: [{ productId: betaProduct, quantity: 9 }] },
      caller: beta,
    });
    const after = await callService('order-get', { method: 'GET', resource: '/orders/{orderId}', pathParameters: byId(orderId), caller: alpha });

    expect(response.statusCode).toBe(404);
    expect(after.body.items[0].productId).toBe(pen);
  });

  test('update with a product of another tenant is 400', async () => {
    const response = await callService('order-update', {
      method: 'PUT',
      resource: '/orders/{orderId}',
      pathParameters: byId(orderId),
      body: { items: [{ productId: betaProduct, quantity: 1 }] },
      caller: alpha,
    });
    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('items[0].productId');
  });

  test('delete of another tenant order is 404 and keeps it', async () => {
    const response = await callService('order-delete', { method: 'DELETE', resource: '/orders/{orderId}', pathParameters: byId(orderId), caller: beta });
    const after = await callService('order-get', { method: 'GET', resource: '/orders/{orderId}', pathParameters: byId(orderId), caller: alpha });

    expect(response.statusCode).toBe(404);
    expect(after.statusCode).toBe(200);
  });

  test('delete removes the order', async () => {
    const response = await callService('order-delete', { method: 'DELETE', resource: '/orders/{orderId}', pathParameters: byId(orderId), caller: alpha });
    const after = await callService('order-get', { method: 'GET', resource: '/orders/{orderId}', pathParameters: byId(orderId), caller: alpha });

    expect(response.statusCode).toBe(204);
    expect(after.statusCode).toBe(404);
  });
});

describe('order list', () => {
  test('lists only the tenant orders, a page at a time', async () => {
    const gamma = { tenantId: 'orderg3' };
    const widget = await createProduct(gamma, 'Widget', '2.50');
    for (let quantity = 1; quantity <= 3; quantity += 1) {
      await createOrder(gamma, { items: [{ productId: widget, quantity }] });
    }

    const first = await callService('order-list', { method: 'GET', resource: '/orders', query: { limit: '2' }, caller: gamma });
    const second = await callService('order-list', { method: 'GET', resource: '/orders', query: { limit: '2', cursor: first.body.nextCursor }, caller: gamma });
    const totals = [...first.body.items, ...second.body.items].map((order: { total: string }) => order.total).sort();

    expect(first.body.items).toHaveLength(2);
    expect(totals).toEqual(['2.50', '5.00', '7.50']);
    expect(second.body.nextCursor).toBeUndefined();
  });
});
