/**
 * Runtime proof of tenant isolation: the pooled REST API served by the local harness with
 * the real authorizer and handlers, tokens from a real local issuer, and every DynamoDB
 * request authorized against the tenant-scoped role's IAM policy.
 */
import { generateKeyPairSync } from 'crypto';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { CreateUserPoolClientCommand, GetUserCommand, UpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { ApplicationPlaneHarness, HarnessTenant } from '../../local/application-plane/harness';
import { signJwt } from '../../local/application-plane/local-cognito-keys';
import { invokeLocalHandler } from '../../local/lambda-runtime';
import { callApi, PASSWORD, signedInUser, SignedInUser, startHarness } from '../local/application-plane/harness-support';

let harness: ApplicationPlaneHarness;
let frozenNow = Date.now();
let alpha: HarnessTenant;
let alphaAdmin: SignedInUser;
let alphaMember: SignedInUser;
let betaAdmin: SignedInUser;
let gammaAdmin: SignedInUser;

beforeAll(async () => {
  harness = await startHarness({ throttleClock: () => frozenNow });
  alpha = await harness.onboardTenant('isoalpha', 'BASIC');
  await harness.onboardTenant('isobeta', 'BASIC');
  await harness.onboardTenant('isogamma', 'BASIC');
  alphaAdmin = await signedInUser(harness, 'isoalpha', 'BASIC', 'TenantAdmin');
  alphaMember = await signedInUser(harness, 'isoalpha', 'BASIC', 'TenantUser');
  betaAdmin = await signedInUser(harness, 'isobeta', 'BASIC', 'TenantAdmin');
  gammaAdmin = await signedInUser(harness, 'isogamma', 'BASIC', 'TenantAdmin');
});

afterAll(async () => {
  await harness?.stop();
});

/** Moves the throttle clock a minute on, so each test starts with full token buckets. */
beforeEach(() => {
  frozenNow += 60_000;
});

describe('cross-tenant access by id', () => {
  let productId: string;
  let orderId: string;
  let betaProductId: string;

  beforeAll(async () => {
    productId = (await callApi(harness, alphaAdmin.idToken, 'POST', '/products', { name: 'Alpha secret', price: '10.00' })).body.productId;
    betaProductId = (await callApi(harness, betaAdmin.idToken, 'POST', '/products', { name: 'Beta own', price: '1.00' })).body.productId;
    orderId = (await callApi(harness, alphaAdmin.idToken, 'POST', '/orders', { items: [{ productId, quantity: 2 }] })).body.orderId;
  });

  test.each([
    ['GET', 'products'],
    ['PUT', 'products'],
    ['DELETE', 'products'],
    ['GET', 'orders'],
    ['PUT', 'orders'],
    ['DELETE', 'orders'],
  ])('%s of another tenant %s is 404', async (method, collection) => {
    const id = collection === 'products' ? productId : orderId;
    // A valid body for the caller, so only the id decides the outcome.
    let body: unknown;
    if (method === 'PUT' && collection === 'products') {
      body = { name: 'Stolen', price: 0 };
    } else if (method === 'PUT') {
      body = { items: [{ productId: betaProductId, quantity: 1 }] };
    }
    const response = await callApi(harness, betaAdmin.idToken, method, `/${collection}/${id}`, body);

    expect(response.status).toBe(404);
  });

  test('leaves the owner data intact', async () => {
    const product = await callApi(harness, alphaAdmin.idToken, 'GET', `/products/${productId}`);
    const order = await callApi(harness, alphaAdmin.idToken, 'GET', `/orders/${orderId}`);

    expect(product.body.name).toBe('Alpha secret');
    expect(order.body.total).toBe('20.00');
  });

  test('lists show no item of another tenant', async () => {
    const products = await callApi(harness, betaAdmin.idToken, 'GET', '/products');
    const orders = await callApi(harness, betaAdmin.idToken, 'GET', '/orders');

    expect(products.body.items.map((item: { productId: string }) => item.productId)).not.toContain(productId);
    expect(orders.body.items.map((item: { orderId: string }) => item.orderId)).not.toContain(orderId);
  });

  test('an order cannot reference another tenant product', async () => {
    const response = await callApi(harness, betaAdmin.idToken, 'POST', '/orders', { items: [{ productId, quantity: 1 }] });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('items[0].productId');
  });

  test('the IAM gateway denied nothing to the handlers', () => {
    expect(harness.dynamoDbGateway.denials).toEqual([]);
  });
});

describe('tokens', () => {
  const claims = (overrides: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: 'token-test',
      'cognito:username': 'token-test',
      aud: harness.userPoolClientId,
      iss: harness.cognito.issuerOf(harness.userPoolId),
      token_use: 'id',
      iat: now,
      exp: now + 3600,
      'custom:tenantId': 'isoalpha',
      'custom:tenantTier': 'BASIC',
      'custom:userRole': 'TenantAdmin',
      ...overrides,
    };
  };

  test('a valid token is served', async () => {
    const response = await callApi(harness, signJwt(claims({})), 'GET', '/products');
    expect(response.status).toBe(200);
  });

  test('a forged signature is 401', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const response = await callApi(harness, signJwt(claims({}), privateKey), 'GET', '/products');
    expect(response.status).toBe(401);
  });

  test('an expired token is 401', async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    const response = await callApi(harness, signJwt(claims({ iat: past, exp: past + 3600 })), 'GET', '/products');
    expect(response.status).toBe(401);
  });

  test('a token of another app client is 401', async () => {
    const other = await harness.cognitoClient.send(
      new CreateUserPoolClientCommand({ UserPoolId: harness.userPoolId, ClientName: 'isolation-other', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }),
    );
    const tokens = await harness.signIn(alphaAdmin.email, PASSWORD, other.UserPoolClient?.ClientId);
    const response = await callApi(harness, tokens.idToken, 'GET', '/products');
    expect(response.status).toBe(401);
  });

  test('a token of another issuer is 401', async () => {
    const response = await callApi(harness, signJwt(claims({ iss: `${harness.cognito.endpoint}/us-east-1_foreignpool` })), 'GET', '/products');
    expect(response.status).toBe(401);
  });

  test('no token is 401', async () => {
    const response = await callApi(harness, undefined, 'GET', '/products');
    expect(response.status).toBe(401);
  });
});

describe('tenant status and roles', () => {
  afterEach(async () => {
    await harness.setTenantStatus('isogamma', 'ACTIVE');
  });

  test('an inactive tenant is 403', async () => {
    await harness.setTenantStatus('isogamma', 'INACTIVE');
    const response = await callApi(harness, gammaAdmin.idToken, 'GET', '/products');
    expect(response.status).toBe(403);
  });

  test('a reactivated tenant is served again', async () => {
    await harness.setTenantStatus('isogamma', 'INACTIVE');
    await harness.setTenantStatus('isogamma', 'ACTIVE');
    const response = await callApi(harness, gammaAdmin.idToken, 'GET', '/products');
    expect(response.status).toBe(200);
  });

  test('a disabled API key is 403', async () => {
    await harness.setApiKeyEnabled(alpha.apiKeyId, false);
    const response = await callApi(harness, alphaAdmin.idToken, 'GET', '/products');
    await harness.setApiKeyEnabled(alpha.apiKeyId, true);
    expect(response.status).toBe(403);
  });

  test.each([
    ['DELETE', '/products/any-product'],
    ['DELETE', '/orders/any-order'],
    ['GET', '/users'],
    ['POST', '/users'],
    ['POST', '/users/someone/disable'],
    ['POST', '/users/someone/enable'],
  ])('a TenantUser %s %s is 403', async (method, path) => {
    const body = method === 'POST' && path === '/users' ? { email: 'x@isoalpha.example.com', userRole: 'TenantAdmin' } : undefined;
    const response = await callApi(harness, alphaMember.idToken, method, path, body);
    expect(response.status).toBe(403);
  });

  test('a TenantUser may create and update products', async () => {
    const created = await callApi(harness, alphaMember.idToken, 'POST', '/products', { name: 'Member product', price: 1 });
    const updated = await callApi(harness, alphaMember.idToken, 'PUT', `/products/${created.body.productId}`, { name: 'Member product', price: 2 });
    expect(created.status).toBe(201);
    expect(updated.status).toBe(200);
  });
});

describe('own role and tenant', () => {
  test.each([
    ['PUT', '/users/me'],
    ['PATCH', '/users/me'],
    ['POST', '/users/me/role'],
    ['PUT', '/users/me/tenant'],
  ])('no route %s %s exists', async (method, path) => {
    const response = await callApi(harness, alphaMember.idToken, method, path, { userRole: 'TenantAdmin', tenantId: 'isobeta' });
    expect(response.status).toBe(403);
    expect(response.body.message).toBe('Missing Authentication Token');
  });

  test.each([
    ['custom:userRole', 'TenantAdmin'],
    ['custom:tenantId', 'isobeta'],
    ['custom:tenantTier', 'PREMIUM'],
  ])('the app client cannot write %s', async (name, value) => {
    const failure = await harness.cognitoClient
      .send(new UpdateUserAttributesCommand({ AccessToken: alphaMember.accessToken, UserAttributes: [{ Name: name, Value: value }] }))
      .catch((error: Error) => error);
    const user = await harness.cognitoClient.send(new GetUserCommand({ AccessToken: alphaMember.accessToken }));
    const stored = user.UserAttributes?.find((attribute) => attribute.Name === name)?.Value;

    expect((failure as Error).name).toBe('NotAuthorizedException');
    expect(stored).not.toBe(value);
  });

  test('the app client may write a standard attribute', async () => {
    await harness.cognitoClient.send(new UpdateUserAttributesCommand({ AccessToken: alphaMember.accessToken, UserAttributes: [{ Name: 'given_name', Value: 'Ana' }] }));
    const user = await harness.cognitoClient.send(new GetUserCommand({ AccessToken: alphaMember.accessToken }));
    expect(user.UserAttributes?.find((attribute) => attribute.Name === 'given_name')?.Value).toBe('Ana');
  });

  test('a fresh token keeps the TenantUser role', async () => {
    const tokens = await harness.signIn(alphaMember.email, PASSWORD);
    const response = await callApi(harness, tokens.idToken, 'GET', '/users');
    expect(response.status).toBe(403);
  });
});

describe('users created by a tenant admin', () => {
  test('can call the API of their tenant only', async () => {
    const email = 'created@isobeta.example.com';
    const created = await callApi(harness, betaAdmin.idToken, 'POST', '/users', { email, userRole: 'TenantUser' });
    await harness.cognitoClient.send(
      new (await import('@aws-sdk/client-cognito-identity-provider')).AdminSetUserPasswordCommand({
        UserPoolId: harness.userPoolId,
        Username: email,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const tokens = await harness.signIn(email, PASSWORD);
    const own = await callApi(harness, tokens.idToken, 'POST', '/products', { name: 'Beta by new user', price: '4.50' });
    const foreign = await callApi(harness, tokens.idToken, 'GET', `/products/${(await callApi(harness, alphaAdmin.idToken, 'GET', '/products?limit=1')).body.items[0].productId}`);

    expect(created.status).toBe(201);
    expect(own.status).toBe(201);
    expect(foreign.status).toBe(404);
  });
});

describe('usage plans', () => {
  test('burst excess is 429 for that tenant only', async () => {
    const burst = await Promise.all(Array.from({ length: 60 }, () => callApi(harness, alphaAdmin.idToken, 'GET', '/products?limit=1')));
    const statuses = burst.map((response) => response.status);
    const other = await callApi(harness, betaAdmin.idToken, 'GET', '/products?limit=1');

    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    expect(burst.find((response) => response.status === 429)?.body.message).toBe('Too Many Requests');
    expect(other.status).toBe(200);
  });

  test('the bucket refills at the tier rate', async () => {
    for (let index = 0; index < 50; index += 1) {
      await callApi(harness, gammaAdmin.idToken, 'GET', '/products?limit=1');
    }
    const empty = await callApi(harness, gammaAdmin.idToken, 'GET', '/products?limit=1');
    frozenNow += 100;
    const refilled = await Promise.all(Array.from({ length: 6 }, () => callApi(harness, gammaAdmin.idToken, 'GET', '/products?limit=1')));

    expect(empty.status).toBe(429);
    expect(refilled.filter((response) => response.status === 200)).toHaveLength(5);
  });
});

describe('scoped credentials at the DynamoDB gateway', () => {
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  let client: DynamoDBClient;

  beforeAll(async () => {
    const result = (await invokeLocalHandler('authorizer', {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/products',
      resource: '/products',
      path: '/products',
      httpMethod: 'GET',
      headers: { Authorization: `Bearer ${alphaAdmin.idToken}` },
      requestContext: { requestId: 'isolation' },
    })) as APIGatewayAuthorizerResult;
    const context = result.context as Record<string, string>;
    credentials = { accessKeyId: context.accessKeyId, secretAccessKey: context.secretAccessKey, sessionToken: context.sessionToken };
    client = new DynamoDBClient({ endpoint: harness.dynamoDbGateway.endpoint, region: 'us-east-1', credentials });
  });

  afterAll(() => {
    client.destroy();
  });

  const denied = (error: unknown) => (error as Error).name;

  test('read the tenant own partition', async () => {
    const result = await client.send(
      new QueryCommand({ TableName: harness.tables.products, KeyConditionExpression: 'tenantId = :t', ExpressionAttributeValues: { ':t': { S: 'isoalpha' } } }),
    );
    expect(result.Items?.length).toBeGreaterThan(0);
  });

  test.each(['isobeta', 'isoalph', 'isoalphax', 'isoalpha-1'])('are denied partition %s', async (tenantId) => {
    const failure = await client
      .send(new GetItemCommand({ TableName: harness.tables.products, Key: { tenantId: { S: tenantId }, productId: { S: 'p' } } }))
      .catch((error: unknown) => error);
    expect(denied(failure)).toBe('AccessDeniedException');
  });

  test('are allowed a key under the tenant delimiter', async () => {
    const result = await client.send(new GetItemCommand({ TableName: harness.tables.products, Key: { tenantId: { S: 'isoalpha#archive' }, productId: { S: 'p' } } }));
    expect(result.Item).toBeUndefined();
  });

  test('are denied a scan', async () => {
    const failure = await client.send(new ScanCommand({ TableName: harness.tables.products })).catch((error: unknown) => error);
    expect(denied(failure)).toBe('AccessDeniedException');
  });

  test('are denied the registry', async () => {
    const failure = await client.send(new GetItemCommand({ TableName: harness.tables.tenants, Key: { tenantId: { S: 'isoalpha' } } })).catch((error: unknown) => error);
    expect(denied(failure)).toBe('AccessDeniedException');
  });

  test('the function role is denied the service tables', async () => {
    const functionClient = new DynamoDBClient({ endpoint: harness.dynamoDbGateway.endpoint, region: 'us-east-1' });
    const failure = await functionClient
      .send(new GetItemCommand({ TableName: harness.tables.products, Key: { tenantId: { S: 'isoalpha' }, productId: { S: 'p' } } }))
      .catch((error: unknown) => error);
    functionClient.destroy();
    expect(denied(failure)).toBe('AccessDeniedException');
  });

  test('an unknown access key is rejected', async () => {
    const stranger = new DynamoDBClient({ endpoint: harness.dynamoDbGateway.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'ASIASTRANGER', secretAccessKey: 'x' } });
    const failure = await stranger.send(new ScanCommand({ TableName: harness.tables.products })).catch((error: unknown) => error);
    stranger.destroy();
    expect(denied(failure)).toBe('UnrecognizedClientException');
  });
});
