import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clearApplicationPlaneSettingsCache, readApplicationPlaneSettings } from '../../../lambdas/shared/application-plane-settings';
import { LocalSsm, startLocalSsm } from '../../../local/emulators/ssm';

let ssm: LocalSsm;
let client: SSMClient;

beforeAll(async () => {
  ssm = await startLocalSsm();
  client = new SSMClient({ endpoint: ssm.endpoint });
  Object.assign(process.env, { AWS_ENDPOINT_URL_SSM: ssm.endpoint, APPLICATION_PLANE_PARAMETER_PATH: 'settings-test/application-plane' });

  const put = (name: string, value: string) =>
    client.send(new PutParameterCommand({ Name: `/settings-test/application-plane/${name}`, Value: value, Type: 'String', Overwrite: true }));
  await put('user-pool-id', 'us-east-1_pool');
  await put('user-pool-client-id', 'client');
  await put('api-url', 'https://api.example/prod');
  await put('products-table', 'settings-products');
  await put('orders-table', 'settings-orders');
  for (const tier of ['BASIC', 'STANDARD', 'PREMIUM']) {
    await put(`usage-plan-id/${tier}`, `plan-${tier.toLowerCase()}`);
  }
  // Ignored names, enough to need a second GetParametersByPath page.
  for (let index = 0; index < 6; index += 1) {
    await put(`future/setting-${index}`, 'x');
  }
  await client.send(new PutParameterCommand({ Name: '/settings-test/application-plane-other/api-url', Value: 'https://wrong', Type: 'String' }));
});

afterAll(async () => {
  client.destroy();
  await ssm.stop();
});

beforeEach(() => {
  clearApplicationPlaneSettingsCache();
});

describe('application-plane settings', () => {
  it('reads every setting across pages', async () => {
    const settings = await readApplicationPlaneSettings();

    expect(settings).toEqual({
      userPoolId: 'us-east-1_pool',
      userPoolClientId: 'client',
      apiUrl: 'https://api.example/prod',
      productsTable: 'settings-products',
      ordersTable: 'settings-orders',
      usagePlanIds: { BASIC: 'plan-basic', STANDARD: 'plan-standard', PREMIUM: 'plan-premium' },
    });
  });

  it('reuses the cached read until refreshed', async () => {
    await readApplicationPlaneSettings();
    await client.send(new PutParameterCommand({ Name: '/settings-test/application-plane/api-url', Value: 'https://changed', Type: 'String', Overwrite: true }));

    expect((await readApplicationPlaneSettings()).apiUrl).toBe('https://api.example/prod');
    expect((await readApplicationPlaneSettings({ refresh: true })).apiUrl).toBe('https://changed');
  });

  it('returns no values for an empty path', async () => {
    process.env.APPLICATION_PLANE_PARAMETER_PATH = '/nothing-here/';
    try {
      expect(await readApplicationPlaneSettings()).toEqual({ usagePlanIds: {} });
    } finally {
      process.env.APPLICATION_PLANE_PARAMETER_PATH = 'settings-test/application-plane';
    }
  });
});
