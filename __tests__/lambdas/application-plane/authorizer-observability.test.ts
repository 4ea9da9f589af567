import './enable-powertools';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { ApplicationPlaneHarness } from '../../../local/application-plane/harness';
import { invokeLocalHandler } from '../../../local/lambda-runtime';
import { signedInUser, SignedInUser, startHarness } from '../../local/application-plane/harness-support';

let harness: ApplicationPlaneHarness;
let member: SignedInUser;

beforeAll(async () => {
  harness = await startHarness();
  await harness.onboardTenant('metrictenant', 'STANDARD');
  member = await signedInUser(harness, 'metrictenant', 'STANDARD', 'TenantUser');
});

afterAll(async () => {
  await harness?.stop();
});

function event(method: string, resource: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:us-east-1:123456789012:api/prod/${method}${resource}`,
    resource,
    path: resource,
    httpMethod: method,
    headers: { Authorization: `Bearer ${member.idToken}` },
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: `metrics-${method}` } as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

async function emfOf(work: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
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
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line));
}

describe('authorizer metrics', () => {
  test('count an allow under the tenant dimension', async () => {
    const [blob] = await emfOf(() => invokeLocalHandler('authorizer', event('GET', '/products')));

    expect(blob.AuthorizerAllowed).toBe(1);
    expect(blob.tenantId).toBe('metrictenant');
    expect(blob._aws.CloudWatchMetrics[0].Dimensions[0]).toContain('tenantId');
  });

  test('count a deny under the tenant dimension', async () => {
    const [blob] = await emfOf(() => invokeLocalHandler('authorizer', event('GET', '/users')));

    expect(blob.AuthorizerDenied).toBe(1);
    expect(blob.tenantId).toBe('metrictenant');
    expect(blob).not.toHaveProperty('AuthorizerAllowed');
  });
});
