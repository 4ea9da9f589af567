import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { LocalSsm, startLocalSsm } from '../../../../local/emulators/ssm';
import { ControlPlaneFixture, callApi, seedTenant, startControlPlaneFixture } from '../support/control-plane-fixture';

let fixture: ControlPlaneFixture;
let ssm: LocalSsm;
const PARAMETER_PATH = '/config-test/application-plane';

beforeAll(async () => {
  fixture = await startControlPlaneFixture();
  ssm = await startLocalSsm();
  Object.assign(process.env, { AWS_ENDPOINT_URL_SSM: ssm.endpoint, APPLICATION_PLANE_PARAMETER_PATH: PARAMETER_PATH });

  const client = new SSMClient({ endpoint: ssm.endpoint });
  const parameters = {
    'user-pool-id': 'us-east-1_pooled',
    'user-pool-client-id': 'pooledclient',
    'api-url': 'https://pooled.example/prod',
    'products-table': 'test-products',
  };
  for (const [name, value] of Object.entries(parameters)) {
    await client.send(new PutParameterCommand({ Name: `${PARAMETER_PATH}/${name}`, Value: value, Type: 'String' }));
  }
  client.destroy();

  await seedTenant(fixture, { tenantId: 'pooledactive01', tenantName: 'Pooled Active', status: 'ACTIVE', tier: 'BASIC' });
  await seedTenant(fixture, {
    tenantId: 'siloactive0001',
    tenantName: 'Silo Active',
    status: 'ACTIVE',
    tier: 'PLATINUM',
    outputs: { userPoolId: 'us-east-1_silo', userPoolClientId: 'siloclient', apiUrl: 'https://silo.example/prod', apiKeyId: 'secretkeyid' },
  });
  await seedTenant(fixture, { tenantId: 'inactive000001', tenantName: 'Sleeping Tenant', status: 'INACTIVE' });
  await seedTenant(fixture, { tenantId: 'pending0000001', tenantName: 'Pending Tenant', status: 'PENDING' });
  await seedTenant(fixture, { tenantId: 'deleted0000001', tenantName: 'Deleted Tenant', status: 'DELETED' });
});

afterAll(async () => {
  await ssm.stop();
  await fixture.stop();
});

const getConfig = (tenantName: string) => callApi('tenant-config-get', { path: `/tenant-config/${tenantName}`, pathParameters: { tenantName }, claims: {} });

describe('tenant config', () => {
  it('returns pooled settings from SSM', async () => {
    const response = await getConfig('Pooled Active');

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      tenantName: 'Pooled Active',
      userPoolId: 'us-east-1_pooled',
      userPoolClientId: 'pooledclient',
      apiUrl: 'https://pooled.example/prod',
    });
  });

  it('returns silo settings from outputs only', async () => {
    const response = await getConfig('Silo Active');

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      tenantName: 'Silo Active',
      userPoolId: 'us-east-1_silo',
      userPoolClientId: 'siloclient',
      apiUrl: 'https://silo.example/prod',
    });
  });

  it.each([
    ['other case', 'pooled ACTIVE'],
    ['surrounding spaces', '  Pooled Active '],
    ['percent-encoding', 'Pooled%20Active'],
  ])('matches a name with %s', async (_label, name) => {
    const response = await getConfig(name);

    expect(response.statusCode).toBe(200);
    expect(response.body.tenantName).toBe('Pooled Active');
  });

  const notFoundCases: [string, string][] = [
    ['an inactive tenant', 'Sleeping Tenant'],
    ['a pending tenant', 'Pending Tenant'],
    ['a deleted tenant', 'Deleted Tenant'],
    ['an unknown name', 'Nobody Here'],
    ['a prefix of a name', 'Pooled'],
    ['a longer name', 'Pooled Active Extra'],
    ['an overlong name', 'n'.repeat(300)],
    ['a blank name', '   '],
    ['a malformed encoding', 'Pooled%ZZ'],
  ];

  it.each(notFoundCases)('returns the same 404 for %s', async (_label, name) => {
    const response = await getConfig(name);

    expect(response.statusCode).toBe(404);
    expect(response.body.field).toBe('tenantName');
    expect(Object.keys(response.body).sort()).toEqual(['field', 'message']);
  });

  it('gives inactive and unknown the same message shape', async () => {
    const inactive = await getConfig('Sleeping Tenant');
    const unknown = await getConfig('Unknown Tenant');

    expect(inactive.body.message.replace('Sleeping Tenant', 'NAME')).toBe(unknown.body.message.replace('Unknown Tenant', 'NAME'));
  });

  it('rejects query parameters', async () => {
    const response = await callApi('tenant-config-get', { pathParameters: { tenantName: 'Pooled Active' }, query: { prefix: 'P' } });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('prefix');
  });
});
