import { tableAccesses } from '../../../local/application-plane/dynamodb-request-keys';

const partitionKeys: Record<string, string> = { products: 'tenantId', orders: 'tenantId', tenants: 'tenantId' };
const lookup = async (table: string) => partitionKeys[table];
const s = (value: string) => ({ S: value });

describe('DynamoDB request keys', () => {
  test.each(['GetItem', 'DeleteItem', 'UpdateItem'])('reads the key of %s', async (operation) => {
    const [access] = await tableAccesses(operation, { TableName: 'products', Key: { tenantId: s('ab'), productId: s('p1') } }, lookup);
    expect(access).toEqual({ tableName: 'products', leadingKeys: ['ab'] });
  });

  test('reads the item of PutItem', async () => {
    const [access] = await tableAccesses('PutItem', { TableName: 'products', Item: { tenantId: s('ab#x'), productId: s('p1') } }, lookup);
    expect(access.leadingKeys).toEqual(['ab#x']);
  });

  test.each([
    ['a plain name', 'tenantId = :t', {}],
    ['a name placeholder', '#pk = :t', { '#pk': 'tenantId' }],
    ['the value first', ':t = tenantId', {}],
    ['a sort key condition', '#pk = :t AND begins_with(productId, :p)', { '#pk': 'tenantId' }],
    ['parentheses and lowercase and', '(tenantId = :t) and productId > :p', {}],
  ])('reads a query with %s', async (_, expression, names) => {
    const [access] = await tableAccesses(
      'Query',
      { TableName: 'products', KeyConditionExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: { ':t': s('ab'), ':p': s('p') } },
      lookup,
    );
    expect(access.leadingKeys).toEqual(['ab']);
  });

  test('reads legacy KeyConditions', async () => {
    const [access] = await tableAccesses('Query', { TableName: 'products', KeyConditions: { tenantId: { ComparisonOperator: 'EQ', AttributeValueList: [s('ab')] } } }, lookup);
    expect(access.leadingKeys).toEqual(['ab']);
  });

  test('gives an index query no leading keys', async () => {
    const [access] = await tableAccesses('Query', { TableName: 'tenants', IndexName: 'by-status', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': s('ACTIVE') } }, lookup);
    expect(access).toEqual({ tableName: 'tenants', indexName: 'by-status', leadingKeys: undefined });
  });

  test('gives a scan no leading keys', async () => {
    expect(await tableAccesses('Scan', { TableName: 'products' }, lookup)).toEqual([{ tableName: 'products' }]);
  });

  test('collects every key of a batch get per table', async () => {
    const accesses = await tableAccesses(
      'BatchGetItem',
      { RequestItems: { products: { Keys: [{ tenantId: s('ab'), productId: s('1') }, { tenantId: s('cd'), productId: s('2') }, { tenantId: s('ab'), productId: s('3') }] }, orders: { Keys: [{ tenantId: s('ab'), orderId: s('o') }] } } },
      lookup,
    );
    expect(accesses).toEqual([
      { tableName: 'products', leadingKeys: ['ab', 'cd'] },
      { tableName: 'orders', leadingKeys: ['ab'] },
    ]);
  });

  test('collects puts and deletes of a batch write', async () => {
    const [access] = await tableAccesses(
      'BatchWriteItem',
      { RequestItems: { products: [{ PutRequest: { Item: { tenantId: s('ab'), productId: s('1') } } }, { DeleteRequest: { Key: { tenantId: s('ef'), productId: s('2') } } }] } },
      lookup,
    );
    expect(access.leadingKeys).toEqual(['ab', 'ef']);
  });

  test('treats a non-string partition key as no leading keys', async () => {
    const [access] = await tableAccesses('GetItem', { TableName: 'products', Key: { tenantId: { N: '1' }, productId: s('p') } }, lookup);
    expect(access.leadingKeys).toBeUndefined();
  });

  test('gives an unknown table no leading keys', async () => {
    const [access] = await tableAccesses('GetItem', { TableName: 'missing', Key: { tenantId: s('ab') } }, lookup);
    expect(access.leadingKeys).toBeUndefined();
  });
});
