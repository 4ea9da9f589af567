import { invokeLocalHandler } from '../../local/lambda-runtime';
import { markWaiting, readWaiting } from '../../local/rollout/approval-records';
import { recoverInterruptedRollouts } from '../../local/rollout/rollout-recovery';
import { RolloutFixture, clearTenants, readRollout, readTenant, seedSiloTenants, startRolloutFixture } from './support/rollout-fixture';

let fixture: RolloutFixture;

beforeAll(async () => {
  fixture = await startRolloutFixture();
});

beforeEach(async () => {
  await clearTenants(fixture);
});

afterAll(async () => {
  await fixture.stop();
});

describe('recoverInterruptedRollouts', () => {
  test('halts the rollout and releases claims', async () => {
    const tenants = await seedSiloTenants(fixture, 3, { idPrefix: 'dead' });
    await invokeLocalHandler('rollout-plan', { request: { rolloutId: 'dead-1', targetVersion: '2.0.0', waves: '100%' }, executionId: 'dead-execution' });
    // The process stopped while the first two tenants' jobs ran.
    for (const tenantId of tenants.slice(0, 2)) {
      await invokeLocalHandler('rollout-prepare-tenant', { rolloutId: 'dead-1', waveNumber: 1, item: { tenantId, targetVersion: '2.0.0' } });
    }
    markWaiting(fixture.stateDir, { rolloutId: 'dead-1', wave: 2, since: new Date().toISOString(), pid: 1 });

    const recovered = await recoverInterruptedRollouts(fixture.stateDir, 'interrupted in a test');

    expect(recovered).toEqual([{ rolloutId: 'dead-1', releasedTenants: tenants.slice(0, 2) }]);
    for (const tenantId of tenants.slice(0, 2)) {
      const tenant = await readTenant(fixture, tenantId);
      expect(tenant.status).toBe('ACTIVE');
      expect(tenant.templateVersion).toBe('1.0.0');
      expect(tenant.updatingRolloutId).toBeUndefined();
      expect(tenant.statusReason).toContain('interrupted in a test');
    }
    const { header, tenants: items } = await readRollout(fixture, 'dead-1');
    expect(header.status).toBe('HALTED');
    expect(header.statusReason).toBe('interrupted in a test');
    expect(items[tenants[0]].result).toBe('FAILED');
    expect(items[tenants[2]].result).toBe('PENDING');
    expect(readWaiting(fixture.stateDir, 'dead-1')).toBeUndefined();
  });

  test('finished rollouts are left alone', async () => {
    await seedSiloTenants(fixture, 1, { idPrefix: 'done' });
    await invokeLocalHandler('rollout-plan', { request: { rolloutId: 'done-1', targetVersion: '2.0.0' }, executionId: 'done-execution' });
    await invokeLocalHandler('rollout-set-status', { rolloutId: 'done-1', status: 'SUCCEEDED' });

    const recovered = await recoverInterruptedRollouts(fixture.stateDir, 'interrupted in a test');

    expect(recovered.map((rollout) => rollout.rolloutId)).not.toContain('done-1');
    expect((await readRollout(fixture, 'done-1')).header.status).toBe('SUCCEEDED');
  });
});
