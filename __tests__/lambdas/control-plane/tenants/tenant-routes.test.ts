import { APIGatewayClient, CreateApiKeyCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand } from '@aws-sdk/client-api-gateway';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_TIERS } from '../../../../config/defaults';
import { LocalApiGateway, startLocalApiGateway } from '../../../../local/emulators/api-gateway';
import { LocalSsm, startLocalSsm } from '../../../../local/emulators/ssm';
import { ControlPlaneFixture, CONTROL_PLANE_SOURCE, callApi, readTenant, seedTenant, startControlPlaneFixture } from '../support/control-plane-fixture';

let fixture: ControlPlaneFixture;
let apiGateway: LocalApiGateway;
let ssm: LocalSsm;
const usagePlans: Record<string, string> = {};
const PARAMETER_PATH = '/test/application-plane/';

beforeAll(async () => {
  fixture = await startControlPlaneFixture();
  apiGateway = await startLocalApiGateway();
  ssm = await startLocalSsm();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_API_GATEWAY: apiGateway.endpoint,
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    APPLICATION_PLANE_PARAMETER_PATH: PARAMETER_PATH,
  });

  const gatewayClient = new APIGatewayClient({ endpoint: apiGateway.endpoint });
  const ssmClient = new SSMClient({ endpoint: ssm.endpoint });
  for (const tier of DEFAULT_TIERS.filter((candidate) => candidate.model === 'pool')) {
    const plan = await gatewayClient.send(new CreateUsagePlanCommand({ name: `test-${tier.name}` }));
    usagePlans[tier.name] = plan.id ?? '';
    await ssmClient.send(new PutParameterCommand({ Name: `${PARAMETER_PATH}usage-plan-id/${tier.name}`, Value: plan.id, Type: 'String' }));
  }
  // More than one GetParametersByPath page (the emulator returns 10), so paging is exercised.
  for (let index = 0; index < 12; index += 1) {
    await ssmClient.send(new PutParameterCommand({ Name: `${PARAMETER_PATH}unrelated/${index}`, Value: 'x', Type: 'String' }));
  }
  gatewayClient.destroy();
  ssmClient.destroy();
});

afterAll(async () => {
  await ssm.stop();
  await apiGateway.stop();
  await fixture.stop();
});

beforeEach(() => {
  fixture.bus.clear();
});

async function createKeyOnPlan(tier: string): Promise<string> {
  const client = new APIGatewayClient({ endpoint: apiGateway.endpoint });
  const key = await client.send(new CreateApiKeyCommand({ name: `key-${Math.random()}`, enabled: true }));
  await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: usagePlans[tier], keyId: key.id, keyType: 'API_KEY' }));
  client.destroy();
  return key.id ?? '';
}

describe('get tenant', () => {
  it('returns the tenant without index attributes', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE', contactName: 'Ann' });

    const response = await callApi('tenants-get', { pathParameters: { tenantId: tenant.tenantId } });

    expect(response.statusCode).toBe(200);
    expect(response.body.tenantId).toBe(tenant.tenantId);
    expect(response.body.contactName).toBe('Ann');
    expect(response.body.listPartition).toBeUndefined();
    expect(response.body.tenantNameKey).toBeUndefined();
  });

  it.each([
    ['an unknown id', 'ffffffffffffffff'],
    ['a malformed id', 'NOT-A-TENANT'],
    ['an overlong id', 'a'.repeat(200)],
  ])('returns 404 for %s', async (_label, tenantId) => {
    const response = await callApi('tenants-get', { pathParameters: { tenantId } });

    expect(response.statusCode).toBe(404);
    expect(response.body.field).toBe('tenantId');
    expect(response.body.message).toContain('was not found');
  });
});

describe('update tenant', () => {
  const patch = (tenantId: string, body: unknown) => callApi('tenants-update', { method: 'PATCH', pathParameters: { tenantId }, body });

  it('changes email and contact name', async () => {
    const tenant = await seedTenant(fixture, { status: 'INACTIVE' });

    const response = await patch(tenant.tenantId, { email: ' new@example.com ', contactName: 'New Contact' });

    expect(response.statusCode).toBe(200);
    expect(response.body.email).toBe('new@example.com');
    expect(response.body.contactName).toBe('New Contact');
    expect(response.body.status).toBe('INACTIVE');
    expect(response.body.updatedAt > tenant.updatedAt).toBe(true);
    expect((await readTenant(fixture, tenant.tenantId))?.email).toBe('new@example.com');
  });

  it('removes the contact name with null', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE', contactName: 'Old Contact' });

    const response = await patch(tenant.tenantId, { contactName: null });

    expect(response.statusCode).toBe(200);
    expect(response.body.contactName).toBeUndefined();
    expect((await readTenant(fixture, tenant.tenantId))?.contactName).toBeUndefined();
  });

  it('moves a pooled tenant to another usage plan', async () => {
    const keyId = await createKeyOnPlan('BASIC');
    const tenant = await seedTenant(fixture, { status: 'ACTIVE', tier: 'BASIC', outputs: { apiKeyId: keyId } });

    const response = await patch(tenant.tenantId, { tier: 'PREMIUM', email: 'premium@example.com' });

    expect(response.statusCode).toBe(200);
    expect(response.body.tier).toBe('PREMIUM');
    expect(response.body.status).toBe('ACTIVE');
    expect(response.body.email).toBe('premium@example.com');
    expect(apiGateway.usagePlanOfKey(keyId)?.id).toBe(usagePlans.PREMIUM);
  });

  it('restores the key and tier when the move fails', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE', tier: 'BASIC', outputs: { apiKeyId: 'missingkey' } });

    const response = await patch(tenant.tenantId, { tier: 'STANDARD' });

    expect(response.statusCode).toBe(500);
    expect(response.body.message).toContain('was undone');
    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.tier).toBe('BASIC');
    expect(stored?.status).toBe('ACTIVE');
    expect(stored?.statusReason).toContain('tier change from BASIC to STANDARD failed');
  });

  it('rejects a tier change across models', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE', tier: 'BASIC' });

    const response = await patch(tenant.tenantId, { tier: 'PLATINUM' });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('tier');
    expect(response.body.message).toContain('migration');
    expect((await readTenant(fixture, tenant.tenantId))?.tier).toBe('BASIC');
  });

  it('rejects a tier change of an inactive tenant', async () => {
    const tenant = await seedTenant(fixture, { status: 'INACTIVE', tier: 'BASIC' });

    const response = await patch(tenant.tenantId, { tier: 'STANDARD' });

    expect(response.statusCode).toBe(409);
    expect(response.body.field).toBe('status');
    expect(response.body.message).toContain('INACTIVE');
  });

  it.each(['DELETED', 'DEPROVISIONING'] as const)('rejects a tenant in %s', async (status) => {
    const tenant = await seedTenant(fixture, { status });

    const response = await patch(tenant.tenantId, { email: 'late@example.com' });

    expect(response.statusCode).toBe(409);
    expect(response.body.field).toBe('status');
    expect(response.body.message).toContain(status);
    expect((await readTenant(fixture, tenant.tenantId))?.email).toBe('owner@example.com');
  });

  it.each([
    ['an empty body', {}, 400, 'body'],
    ['a status change', { status: 'ACTIVE' }, 400, 'status'],
    ['a name change', { tenantName: 'Renamed' }, 400, 'tenantName'],
    ['an invalid email', { email: 'nope' }, 400, 'email'],
    ['an unknown tier', { tier: 'GOLD' }, 400, 'tier'],
    ['a numeric contact name', { contactName: 7 }, 400, 'contactName'],
  ])('rejects %s', async (_label, body, status, field) => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE' });

    const response = await patch(tenant.tenantId, body);

    expect(response.statusCode).toBe(status);
    expect(response.body.field).toBe(field);
    expect((await readTenant(fixture, tenant.tenantId))?.updatedAt).toBe(tenant.updatedAt);
  });

  it('returns 404 for an unknown tenant', async () => {
    const response = await patch('ffffffff00000000', { email: 'x@example.com' });

    expect(response.statusCode).toBe(404);
    expect(response.body.field).toBe('tenantId');
  });
});

describe('delete tenant', () => {
  const remove = (tenantId: string) => callApi('tenants-delete', { method: 'DELETE', pathParameters: { tenantId } });

  it.each(['ACTIVE', 'INACTIVE', 'PROVISION_FAILED', 'DEPROVISION_FAILED'] as const)('offboards a tenant in %s', async (status) => {
    const tenant = await seedTenant(fixture, { status, tier: 'STANDARD', statusReason: 'earlier failure' });

    const response = await remove(tenant.tenantId);

    expect(response.statusCode).toBe(202);
    expect(response.body).toEqual({ tenantId: tenant.tenantId, status: 'DEPROVISIONING' });
    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe('DEPROVISIONING');
    expect(stored?.statusReason).toBeUndefined();
    expect(fixture.bus.events).toEqual([
      expect.objectContaining({ source: CONTROL_PLANE_SOURCE, detailType: 'sbt_aws_offboardingRequest', detail: { tenantId: tenant.tenantId, tier: 'STANDARD' } }),
    ]);
  });

  it.each(['DELETED', 'DEPROVISIONING'] as const)('returns 409 for a tenant in %s', async (status) => {
    const tenant = await seedTenant(fixture, { status });

    const response = await remove(tenant.tenantId);

    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ message: `tenant ${tenant.tenantId} is already ${status}`, field: 'status' });
    expect(fixture.bus.events).toHaveLength(0);
  });

  it.each(['PENDING', 'PROVISIONING', 'UPDATING'] as const)('returns 409 while %s', async (status) => {
    const tenant = await seedTenant(fixture, { status });

    const response = await remove(tenant.tenantId);

    expect(response.statusCode).toBe(409);
    expect(response.body.field).toBe('status');
    expect(response.body.message).toContain(status);
    expect((await readTenant(fixture, tenant.tenantId))?.status).toBe(status);
  });

  it('gives one 202 for concurrent deletes', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE' });

    const responses = await Promise.all(Array.from({ length: 5 }, () => remove(tenant.tenantId)));

    expect(responses.filter((response) => response.statusCode === 202)).toHaveLength(1);
    expect(responses.filter((response) => response.statusCode === 409)).toHaveLength(4);
    expect(fixture.bus.events).toHaveLength(1);
  });

  it('marks DEPROVISION_FAILED when the bus fails, and a retry works', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE' });
    fixture.bus.failNext('failed-entry');

    const failed = await remove(tenant.tenantId);

    expect(failed.statusCode).toBe(500);
    const stored = await readTenant(fixture, tenant.tenantId);
    expect(stored?.status).toBe('DEPROVISION_FAILED');
    expect(stored?.statusReason).toContain('offboarding request could not be sent');

    const retried = await remove(tenant.tenantId);

    expect(retried.statusCode).toBe(202);
    expect(fixture.bus.events).toHaveLength(1);
  });

  it('returns 404 for an unknown tenant', async () => {
    const response = await remove('ffffffff00000001');

    expect(response.statusCode).toBe(404);
    expect(response.body.field).toBe('tenantId');
  });
});

describe('activate and deactivate tenant', () => {
  const post = (id: 'tenants-activate' | 'tenants-deactivate', tenantId: string, body?: unknown) =>
    callApi(id, { method: 'POST', pathParameters: { tenantId }, body });

  it('requests deactivation of an ACTIVE tenant', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE', tier: 'PREMIUM' });

    const response = await post('tenants-deactivate', tenant.tenantId);

    expect(response.statusCode).toBe(202);
    expect(response.body).toEqual({ tenantId: tenant.tenantId, status: 'ACTIVE', requested: 'deactivate' });
    expect(fixture.bus.events).toEqual([expect.objectContaining({ detailType: 'sbt_aws_deactivateRequest', detail: { tenantId: tenant.tenantId, tier: 'PREMIUM' } })]);
    expect((await readTenant(fixture, tenant.tenantId))?.status).toBe('ACTIVE');
  });

  it('requests activation of an INACTIVE tenant', async () => {
    const tenant = await seedTenant(fixture, { status: 'INACTIVE' });

    const response = await post('tenants-activate', tenant.tenantId, {});

    expect(response.statusCode).toBe(202);
    expect(fixture.bus.events).toEqual([expect.objectContaining({ detailType: 'sbt_aws_activateRequest', detail: { tenantId: tenant.tenantId, tier: 'BASIC' } })]);
  });

  it.each([
    ['tenants-deactivate', 'INACTIVE'],
    ['tenants-deactivate', 'PENDING'],
    ['tenants-deactivate', 'DELETED'],
    ['tenants-activate', 'ACTIVE'],
    ['tenants-activate', 'DEPROVISIONING'],
    ['tenants-activate', 'PROVISION_FAILED'],
  ] as const)('%s returns 409 for %s', async (id, status) => {
    const tenant = await seedTenant(fixture, { status });

    const response = await post(id, tenant.tenantId);

    expect(response.statusCode).toBe(409);
    expect(response.body.field).toBe('status');
    expect(response.body.message).toContain(`is ${status}`);
    expect(fixture.bus.events).toHaveLength(0);
  });

  it('rejects a body with fields', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE' });

    const response = await post('tenants-deactivate', tenant.tenantId, { force: true });

    expect(response.statusCode).toBe(400);
    expect(response.body.field).toBe('force');
    expect(fixture.bus.events).toHaveLength(0);
  });

  it('returns 404 for an unknown tenant', async () => {
    const response = await post('tenants-activate', 'ffffffff00000002');

    expect(response.statusCode).toBe(404);
  });
});
