import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { getTenant, transitionTenantStatus, trimStatusReason, updateTenantAttributes } from '../../../lambdas/shared/registry';
import { ALLOWED_TRANSITIONS, MAX_STATUS_REASON_LENGTH, TENANT_STATUSES, TenantStatus } from '../../../lambdas/shared/tenant';
import { findReservation, releaseTenantName, reserveTenantName, STALE_RESERVATION_MS } from '../../../lambdas/shared/tenant-names';
import { ControlPlaneFixture, readTenant, seedTenant, startControlPlaneFixture } from '../control-plane/support/control-plane-fixture';

let fixture: ControlPlaneFixture;

beforeAll(async () => {
  fixture = await startControlPlaneFixture();
});

afterAll(async () => {
  await fixture.stop();
});

describe('getTenant', () => {
  it('reads a tenant', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE' });

    expect(await getTenant(tenant.tenantId)).toEqual(tenant);
  });

  it.each(['missing00000', 'UPPER', 'a', 'with space'])('returns undefined for %s', async (tenantId) => {
    expect(await getTenant(tenantId)).toBeUndefined();
  });
});

describe('transitionTenantStatus', () => {
  it('moves along every allowed transition', async () => {
    for (const to of TENANT_STATUSES) {
      for (const from of ALLOWED_TRANSITIONS[to]) {
        const tenant = await seedTenant(fixture, { status: from });

        const updated = await transitionTenantStatus(tenant.tenantId, to);

        expect(updated?.status).toBe(to);
        expect((await readTenant(fixture, tenant.tenantId))?.status).toBe(to);
      }
    }
  });

  it('returns undefined from a status not allowed', async () => {
    for (const to of TENANT_STATUSES.filter((status) => ALLOWED_TRANSITIONS[status].length > 0)) {
      const disallowed = TENANT_STATUSES.find((status) => !ALLOWED_TRANSITIONS[to].includes(status)) as TenantStatus;
      const tenant = await seedTenant(fixture, { status: disallowed });

      expect(await transitionTenantStatus(tenant.tenantId, to)).toBeUndefined();
      expect((await readTenant(fixture, tenant.tenantId))?.status).toBe(disallowed);
    }
  });

  it('limits the move to the given from statuses', async () => {
    const tenant = await seedTenant(fixture, { status: 'PENDING' });

    expect(await transitionTenantStatus(tenant.tenantId, 'PROVISION_FAILED', { from: ['PROVISIONING'] })).toBeUndefined();
    expect((await transitionTenantStatus(tenant.tenantId, 'PROVISION_FAILED', { from: ['PENDING'] }))?.status).toBe('PROVISION_FAILED');
  });

  it('returns undefined for a missing tenant without creating it', async () => {
    expect(await transitionTenantStatus('absent000000', 'PROVISIONING')).toBeUndefined();
    expect(await readTenant(fixture, 'absent000000')).toBeUndefined();
  });

  it('runs a transition once under concurrency', async () => {
    const tenant = await seedTenant(fixture, { status: 'PENDING' });

    const results = await Promise.all(Array.from({ length: 8 }, () => transitionTenantStatus(tenant.tenantId, 'PROVISIONING')));

    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
  });

  it('writes DynamoDB reserved words as attribute names', async () => {
    const tenant = await seedTenant(fixture, { status: 'PROVISIONING', statusReason: 'retrying' });

    const updated = await transitionTenantStatus(tenant.tenantId, 'ACTIVE', {
      set: { name: 'reserved name', data: { size: 1 }, comment: 'c', timestamp: 't', count: 3, 'dotted.name': 'kept whole' },
      remove: ['statusReason'],
    });

    expect(updated).toMatchObject({ name: 'reserved name', data: { size: 1 }, comment: 'c', timestamp: 't', count: 3, 'dotted.name': 'kept whole' });
    expect(updated?.statusReason).toBeUndefined();
    expect(updated?.updatedAt).not.toBe(tenant.updatedAt);
  });

  it.each([
    ['an unknown status', () => transitionTenantStatus('abcd1234', 'RUNNING' as TenantStatus), 'is not one of'],
    ['a from status not allowed', () => transitionTenantStatus('abcd1234', 'ACTIVE', { from: ['DELETED'] }), 'cannot move to ACTIVE from DELETED'],
    ['an empty from list', () => transitionTenantStatus('abcd1234', 'ACTIVE', { from: [] }), 'cannot move to ACTIVE from no status'],
    ['a key attribute', () => transitionTenantStatus('abcd1234', 'ACTIVE', { set: { tenantId: 'other' } }), 'identifies the tenant'],
    ['an index attribute', () => transitionTenantStatus('abcd1234', 'ACTIVE', { set: { createdAt: 'x' } }), 'identifies the tenant'],
    ['updatedAt', () => transitionTenantStatus('abcd1234', 'ACTIVE', { set: { updatedAt: 'x' } }), 'updatedAt'],
    ['set and remove together', () => transitionTenantStatus('abcd1234', 'ACTIVE', { set: { email: 'x' }, remove: ['email'] }), 'both set and removed'],
  ])('throws for %s', async (_label, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });
});

describe('updateTenantAttributes', () => {
  it('updates only in the given statuses', async () => {
    const tenant = await seedTenant(fixture, { status: 'DELETED' });

    expect(await updateTenantAttributes(tenant.tenantId, { set: { email: 'x@example.com' }, whenStatus: ['ACTIVE'] })).toBeUndefined();
    expect((await updateTenantAttributes(tenant.tenantId, { set: { email: 'x@example.com' }, whenStatus: ['DELETED'] }))?.email).toBe('x@example.com');
  });

  it('rejects a status change', async () => {
    await expect(updateTenantAttributes('abcd1234', { set: { status: 'ACTIVE' } })).rejects.toThrow('transitionTenantStatus');
  });

  it('rejects an empty status list', async () => {
    await expect(updateTenantAttributes('abcd1234', { set: { email: 'x' }, whenStatus: [] })).rejects.toThrow('at least one status');
  });

  it('skips undefined values', async () => {
    const tenant = await seedTenant(fixture, { status: 'ACTIVE', contactName: 'Kept' });

    const updated = await updateTenantAttributes(tenant.tenantId, { set: { contactName: undefined, email: 'new@example.com' } });

    expect(updated?.contactName).toBe('Kept');
    expect(updated?.email).toBe('new@example.com');
  });
});

describe('trimStatusReason', () => {
  it('keeps a short reason', () => {
    expect(trimStatusReason('  failed  ')).toBe('failed');
  });

  it('cuts a long reason to the maximum', () => {
    const trimmed = trimStatusReason('e'.repeat(MAX_STATUS_REASON_LENGTH + 500));

    expect(trimmed).toHaveLength(MAX_STATUS_REASON_LENGTH);
    expect(trimmed.endsWith(' [truncated]')).toBe(true);
  });
});

describe('tenant name reservations', () => {
  it('reserves a name once, case and spaces ignored', async () => {
    expect(await reserveTenantName('Name One', 'owner00000001')).toBe(true);
    expect(await reserveTenantName('  NAME ONE ', 'owner00000002')).toBe(false);
    expect(await reserveTenantName('name one', 'owner00000001')).toBe(true);
    expect((await findReservation('name one'))?.tenantId).toBe('owner00000001');
  });

  it('releases only the holder reservation', async () => {
    await reserveTenantName('Name Two', 'owner00000003');

    expect(await releaseTenantName('Name Two', 'owner00000004')).toBe(false);
    expect(await findReservation('Name Two')).toBeDefined();
    expect(await releaseTenantName('name two', 'owner00000003')).toBe(true);
    expect(await findReservation('Name Two')).toBeUndefined();
    expect(await releaseTenantName('name two', 'owner00000003')).toBe(false);
  });

  it('keeps a stale reservation whose tenant exists', async () => {
    const holder = await seedTenant(fixture, { status: 'PROVISION_FAILED', tenantName: 'Name Three' });
    const later = new Date(Date.parse(holder.createdAt) + STALE_RESERVATION_MS + 1000);

    expect(await reserveTenantName('Name Three', 'owner00000005', later)).toBe(false);
  });

  it('lets one of two racing takeovers win', async () => {
    await fixture.documents.send(
      new PutCommand({
        TableName: 'test-tenant-names',
        Item: { tenantNameKey: 'name four', tenantName: 'Name Four', tenantId: 'gone00000000', reservedAt: '2020-01-01T00:00:00.000Z' },
      }),
    );

    const results = await Promise.all(Array.from({ length: 6 }, (_, index) => reserveTenantName('Name Four', `racer0000000${index}`)));

    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await findReservation('Name Four'))?.tenantId).toMatch(/^racer/);
  });
});
