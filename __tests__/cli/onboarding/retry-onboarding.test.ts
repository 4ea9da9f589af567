import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { retryFailedOnboarding } from '../../../cli/onboarding/retry-onboarding';
import {
  ControlPlaneFixture,
  TENANT_NAMES_TABLE,
  readReservation,
  readTenant,
  seedTenant,
  startControlPlaneFixture,
} from '../../lambdas/control-plane/support/control-plane-fixture';

describe('retryFailedOnboarding', () => {
  let fixture: ControlPlaneFixture;

  beforeAll(async () => {
    fixture = await startControlPlaneFixture();
  });

  afterAll(async () => {
    await fixture.stop();
  });

  beforeEach(() => {
    fixture.bus.clear();
  });

  it('moves a failed tenant to PENDING and requests onboarding', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISION_FAILED', statusReason: 'terraform failed' });

    const pending = await retryFailedOnboarding(tenant);

    expect(pending?.status).toBe('PENDING');
    expect((await readTenant(fixture, tenant.tenantId))?.statusReason).toBeUndefined();
    expect(fixture.bus.events.map((event) => event.detailType)).toEqual(['sbt_aws_onboardingRequest']);
  });

  it('re-reserves a released name', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISION_FAILED' });
    await fixture.documents.send(new DeleteCommand({ TableName: TENANT_NAMES_TABLE, Key: { tenantNameKey: tenant.tenantNameKey } }));

    await retryFailedOnboarding(tenant);

    expect((await readReservation(fixture, tenant.tenantNameKey))?.tenantId).toBe(tenant.tenantId);
  });

  it('rejects a name another tenant registered', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISION_FAILED' });
    await fixture.documents.send(
      new PutCommand({
        TableName: TENANT_NAMES_TABLE,
        Item: { tenantNameKey: tenant.tenantNameKey, tenantName: tenant.tenantName, tenantId: 'other0000000000', reservedAt: new Date().toISOString() },
      }),
    );

    await expect(retryFailedOnboarding(tenant)).rejects.toThrow(`its name "${tenant.tenantName}" is now registered by another tenant`);
    expect((await readTenant(fixture, tenant.tenantId))?.status).toBe('PROVISION_FAILED');
    expect(fixture.bus.events).toHaveLength(0);
  });

  it('returns undefined when another retry moved the tenant first', async () => {
    const tenant = await seedTenant(fixture, { status: 'PENDING' });

    await expect(retryFailedOnboarding(tenant)).resolves.toBeUndefined();
    expect(fixture.bus.events).toHaveLength(0);
  });
});
