import { generateKeyPairSync } from 'crypto';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { AdminUpdateUserAttributesCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { invokeLocalHandler, LambdaInvocationError } from '../../../local/lambda-runtime';
import type { ApplicationPlaneHarness, HarnessTenant } from '../../../local/application-plane/harness';
import { signJwt } from '../../../local/application-plane/local-cognito-keys';
import { PASSWORD, signedInUser, SignedInUser, startHarness } from '../../local/application-plane/harness-support';

let harness: ApplicationPlaneHarness;
let tenant: HarnessTenant;
let admin: SignedInUser;
let member: SignedInUser;
let documents: DynamoDBDocumentClient;

const METHOD_ARN_PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:api1234567/prod';

function authorizerEvent(token: string | undefined, method = 'GET', resource = '/products', path = resource): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: `${METHOD_ARN_PREFIX}/${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: 'authorizer-test' } as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

const authorize = (event: APIGatewayRequestAuthorizerEvent) => invokeLocalHandler('authorizer', event) as Promise<APIGatewayAuthorizerResult>;

async function expectUnauthorized(event: APIGatewayRequestAuthorizerEvent): Promise<void> {
  const failure = await authorize(event).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(LambdaInvocationError);
  expect((failure as Error).message).toBe('Unauthorized');
}

function effectOf(result: APIGatewayAuthorizerResult): string {
  return result.policyDocument.Statement[0].Effect;
}

/** Claims of a valid ID token of `user`, for tokens the tests sign themselves. */
function idClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: 'b7c4d4f0-test',
    'cognito:username': admin.email,
    aud: harness.userPoolClientId,
    iss: harness.cognito.issuerOf(harness.userPoolId),
    token_use: 'id',
    iat: now,
    exp: now + 3600,
    'custom:tenantId': tenant.tenantId,
    'custom:tenantTier': 'BASIC',
    'custom:userRole': 'TenantAdmin',
    ...overrides,
  };
}

beforeAll(async () => {
  harness = await startHarness();
  tenant = await harness.onboardTenant('authtenant', 'BASIC');
  admin = await signedInUser(harness, tenant.tenantId, 'BASIC', 'TenantAdmin');
  member = await signedInUser(harness, tenant.tenantId, 'BASIC', 'TenantUser');
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: harness.dynamoDb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'harness-admin', secretAccessKey: 'local' } }),
  );
});

afterAll(async () => {
  documents?.destroy();
  await harness?.stop();
});

describe('authorizer allow', () => {
  test('returns the tenant context and API key value', async () => {
    const result = await authorize(authorizerEvent(admin.idToken));
    const key = harness.apiGateway.snapshot().apiKeys[tenant.apiKeyId];

    const userName = JSON.parse(Buffer.from(admin.idToken.split('.')[1], 'base64url').toString('utf8'))['cognito:username'];

    expect(effectOf(result)).toBe('Allow');
    expect(result.principalId).toBe(userName);
    expect(result.usageIdentifierKey).toBe(key.value);
    expect(result.context).toMatchObject({ tenantId: 'authtenant', tier: 'BASIC', role: 'TenantAdmin', userName });
  });

  test('issues credentials tagged with the tenant and tier', async () => {
    const result = await authorize(authorizerEvent(admin.idToken));
    const session = harness.sts.sessionOf(String(result.context?.accessKeyId));

    expect(session?.tags).toEqual({ TenantId: 'authtenant', Tier: 'BASIC' });
    expect(session?.roleArn).toBe(process.env.TENANT_SCOPED_ROLE_ARN);
    expect(new Date(String(result.context?.credentialsExpiration)).getTime()).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
  });

  test('reuses cached credentials for the tenant', async () => {
    const first = await authorize(authorizerEvent(admin.idToken));
    const calls = harness.sts.assumeRoleCount;
    const second = await authorize(authorizerEvent(member.idToken));

    expect(harness.sts.assumeRoleCount).toBe(calls);
    expect(second.context?.accessKeyId).toBe(first.context?.accessKeyId);
  });

  test('allows every route of the role in one policy', async () => {
    const result = await authorize(authorizerEvent(member.idToken));
    const resources = result.policyDocument.Statement[0] as { Resource: string[] };

    expect(resources.Resource).toContain(`${METHOD_ARN_PREFIX}/GET/products/*`);
    expect(resources.Resource).toContain(`${METHOD_ARN_PREFIX}/PUT/orders/*`);
    expect(resources.Resource).not.toContain(`${METHOD_ARN_PREFIX}/DELETE/products/*`);
    expect(resources.Resource).not.toContain(`${METHOD_ARN_PREFIX}/GET/users`);
  });

  test('accepts a token without the Bearer scheme', async () => {
    const event = authorizerEvent(undefined);
    event.headers = { authorization: admin.idToken };
    expect(effectOf(await authorize(event))).toBe('Allow');
  });
});

describe('authorizer unauthorized', () => {
  test('rejects a missing Authorization header', async () => {
    await expectUnauthorized(authorizerEvent(undefined));
  });

  test('rejects a malformed token', async () => {
    await expectUnauthorized(authorizerEvent('not-a-jwt'));
  });

  test('rejects a forged signature', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectUnauthorized(authorizerEvent(signJwt(idClaims(), privateKey)));
  });

  test('rejects an altered payload', async () => {
    const [header, , signature] = admin.idToken.split('.');
    const payload = Buffer.from(JSON.stringify(idClaims({ 'custom:tenantId': 'othertenant' }))).toString('base64url');
    await expectUnauthorized(authorizerEvent(`${header}.${payload}.${signature}`));
  });

  test('rejects an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    await expectUnauthorized(authorizerEvent(signJwt(idClaims({ iat: past, exp: past + 3600 }))));
  });

  test('rejects a token of another app client', async () => {
    const other = await harness.cognitoClient.send(
      new CreateUserPoolClientCommand({ UserPoolId: harness.userPoolId, ClientName: 'other-client', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }),
    );
    const tokens = await harness.signIn(admin.email, PASSWORD, other.UserPoolClient?.ClientId);
    await expectUnauthorized(authorizerEvent(tokens.idToken));
  });

  test('rejects a token of another user pool', async () => {
    const pool = await harness.cognitoClient.send(
      new CreateUserPoolCommand({ PoolName: 'foreign', Schema: ['tenantId', 'tenantTier', 'userRole'].map((name) => ({ Name: name, AttributeDataType: 'String', Mutable: true })) }),
    );
    const poolId = pool.UserPool?.Id as string;
    const client = await harness.cognitoClient.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'foreign', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }));
    await harness.cognitoClient.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'intruder@example.com',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'custom:tenantId', Value: tenant.tenantId },
          { Name: 'custom:tenantTier', Value: 'BASIC' },
          { Name: 'custom:userRole', Value: 'TenantAdmin' },
        ],
      }),
    );
    await harness.cognitoClient.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'intruder@example.com', Password: PASSWORD, Permanent: true }));
    const tokens = await harness.signIn('intruder@example.com', PASSWORD, client.UserPoolClient?.ClientId);

    expect(tokens.idToken.split('.').length).toBe(3);
    await expectUnauthorized(authorizerEvent(tokens.idToken));
  });

  test('rejects a token signed for another issuer', async () => {
    await expectUnauthorized(authorizerEvent(signJwt(idClaims({ iss: 'http://127.0.0.1:1/us-east-1_other' }))));
  });

  test('rejects an access token', async () => {
    await expectUnauthorized(authorizerEvent(admin.accessToken));
  });
});

describe('authorizer deny', () => {
  afterEach(async () => {
    await harness.setTenantStatus(tenant.tenantId, 'ACTIVE');
    process.env.TENANT_MODEL = 'pool';
    delete process.env.TENANT_ID;
  });

  test.each([
    ['a tier outside the configuration', { 'custom:tenantTier': 'GOLD' }],
    ['a silo tier at the pooled API', { 'custom:tenantTier': 'PLATINUM' }],
    ['a tier of the wrong type', { 'custom:tenantTier': 7 }],
    ['an unknown role', { 'custom:userRole': 'SystemAdmin' }],
    ['no role', { 'custom:userRole': undefined }],
    ['no tenant id', { 'custom:tenantId': undefined }],
    ['a malformed tenant id', { 'custom:tenantId': 'AB' }],
    ['an unregistered tenant', { 'custom:tenantId': 'ghosttenant' }],
  ])('denies %s', async (_, overrides) => {
    const result = await authorize(authorizerEvent(signJwt(idClaims(overrides))));
    expect(effectOf(result)).toBe('Deny');
    expect(result.context).not.toHaveProperty('accessKeyId');
  });

  test('denies a tier the platform set outside the configuration', async () => {
    const email = 'goldmember@authtenant.example.com';
    await harness.createUser({ tenantId: tenant.tenantId, tier: 'BASIC', email, role: 'TenantUser', password: PASSWORD });
    await harness.cognitoClient.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: harness.userPoolId, Username: email, UserAttributes: [{ Name: 'custom:tenantTier', Value: 'GOLD' }] }),
    );
    const tokens = await harness.signIn(email, PASSWORD);
    expect(effectOf(await authorize(authorizerEvent(tokens.idToken)))).toBe('Deny');
  });

  test.each(['INACTIVE', 'DEPROVISIONING', 'DELETED', 'UPDATING', 'PROVISIONING'] as const)('denies a tenant that is %s', async (status) => {
    await harness.setTenantStatus(tenant.tenantId, status);
    const result = await authorize(authorizerEvent(admin.idToken));
    expect(effectOf(result)).toBe('Deny');
    expect(String(result.context?.reason)).toContain(status);
  });

  test.each([
    ['DELETE', '/products/{productId}', '/products/p1'],
    ['DELETE', '/orders/{orderId}', '/orders/o1'],
    ['GET', '/users', '/users'],
    ['POST', '/users', '/users'],
    ['POST', '/users/{userName}/disable', '/users/someone/disable'],
    ['POST', '/users/{userName}/enable', '/users/someone/enable'],
  ])('denies a TenantUser %s %s', async (method, resource, path) => {
    const result = await authorize(authorizerEvent(member.idToken, method, resource, path));
    expect(effectOf(result)).toBe('Deny');
    expect(result.policyDocument.Statement[0]).toMatchObject({ Resource: `${METHOD_ARN_PREFIX}/${method}${path}` });
  });

  test('allows a TenantAdmin to delete a product', async () => {
    const result = await authorize(authorizerEvent(admin.idToken, 'DELETE', '/products/{productId}', '/products/p1'));
    expect(effectOf(result)).toBe('Allow');
  });

  test('denies a route the API does not have', async () => {
    const result = await authorize(authorizerEvent(admin.idToken, 'PATCH', '/users/{userName}', '/users/me'));
    expect(effectOf(result)).toBe('Deny');
  });

  test('denies a tenant without an API key', async () => {
    await documents.send(
      new PutCommand({ TableName: harness.tables.tenants, Item: { tenantId: 'nokeytenant', status: 'ACTIVE', tier: 'BASIC', model: 'pool', outputs: {} } }),
    );
    const result = await authorize(authorizerEvent(signJwt(idClaims({ 'custom:tenantId': 'nokeytenant' }))));
    await documents.send(new DeleteCommand({ TableName: harness.tables.tenants, Key: { tenantId: 'nokeytenant' } }));

    expect(effectOf(result)).toBe('Deny');
  });

  test('denies another tenant at a silo API', async () => {
    process.env.TENANT_MODEL = 'silo';
    process.env.TENANT_ID = 'silotenant';
    const result = await authorize(authorizerEvent(admin.idToken));
    expect(effectOf(result)).toBe('Deny');
  });
});

describe('authorizer status cache', () => {
  afterEach(async () => {
    process.env.TENANT_STATUS_CACHE_SECONDS = '0';
    await harness.setTenantStatus(tenant.tenantId, 'ACTIVE');
  });

  test('sees a deactivation after the cache time', async () => {
    process.env.TENANT_STATUS_CACHE_SECONDS = '1';
    await authorize(authorizerEvent(admin.idToken));
    await harness.setTenantStatus(tenant.tenantId, 'INACTIVE');

    const cached = await authorize(authorizerEvent(admin.idToken));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refreshed = await authorize(authorizerEvent(admin.idToken));

    expect(effectOf(cached)).toBe('Allow');
    expect(effectOf(refreshed)).toBe('Deny');
  });

  test('rejects an invalid cache setting as a fault', async () => {
    process.env.TENANT_STATUS_CACHE_SECONDS = 'soon';
    const failure = await authorize(authorizerEvent(admin.idToken)).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(LambdaInvocationError);
    expect((failure as Error).message).toContain('TENANT_STATUS_CACHE_SECONDS');
  });
});

describe('authorizer faults', () => {
  afterEach(() => {
    delete process.env.JWKS_URI;
  });

  test('fails with a server error when the JWKS is unreachable', async () => {
    process.env.JWKS_URI = 'http://127.0.0.1:1/jwks.json';
    const failure = await authorize(authorizerEvent(admin.idToken)).catch((error: Error) => error);

    expect(failure).toBeInstanceOf(LambdaInvocationError);
    expect((failure as Error).message).not.toBe('Unauthorized');
  });

  test('refuses a JWKS over plain HTTP off 127.0.0.1', async () => {
    // 127.0.0.2 is on this machine, but the fetcher accepts plain HTTP only from 127.0.0.1 and localhost.
    process.env.JWKS_URI = 'http://127.0.0.2:1/jwks.json';
    const failure = await authorize(authorizerEvent(admin.idToken)).catch((error: Error) => error);

    expect((failure as Error).message).toContain('https');
  });
});
