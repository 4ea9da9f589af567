import { runLocalRollout } from '../../local/rollout/local-rollout-runner';
import { readWaiting, recordDecision } from '../../local/rollout/approval-records';
import { FakeCodeBuild, PREFIX, RolloutFixture, clearTenants, readRollout, readTenant, seedSiloTenants, startRolloutFixture } from './support/rollout-fixture';

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

function options(codebuild: FakeCodeBuild) {
  return { prefix: PREFIX, stateDir: fixture.stateDir, startBuild: codebuild.startBuild, approvalPollMs: 20 };
}

async function waitUntil(condition: () => boolean, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('local rollout', () => {
  test('three waves at concurrency 3 run in order', async () => {
    const tenants = await seedSiloTenants(fixture, 12, { idPrefix: 'wave' });
    const codebuild = new FakeCodeBuild(60);

    const result = await runLocalRollout(
      { rolloutId: 'three-waves', targetVersion: '2.0.0', waves: '4,8,100%', concurrency: 3 },
      options(codebuild),
    );

    expect(result.error).toBeUndefined();
    expect(result.succeeded).toBe(true);
    expect(codebuild.builds).toHaveLength(12);
    expect(codebuild.maxRunning).toBe(3);
    expect(codebuild.builds.every((build) => build.action === 'update' && build.version === '2.0.0')).toBe(true);

    const { header, tenants: items } = await readRollout(fixture, 'three-waves');
    expect(header.status).toBe('SUCCEEDED');
    expect(header.waves.map((wave: { tenants: string[] }) => wave.tenants)).toEqual([tenants.slice(0, 4), tenants.slice(4, 8), tenants.slice(8)]);
    expect(header.waves.map((wave: { status: string }) => wave.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);

    // Every build of a wave ends before the first build of the next wave starts.
    for (let wave = 1; wave < 3; wave += 1) {
      const previous = codebuild.buildsFor(header.waves[wave - 1].tenants);
      const next = codebuild.buildsFor(header.waves[wave].tenants);
      expect(Math.max(...previous.map((build) => build.endedAt ?? Infinity))).toBeLessThanOrEqual(Math.min(...next.map((build) => build.startedAt)));
    }

    for (const tenantId of tenants) {
      const tenant = await readTenant(fixture, tenantId);
      expect(tenant.status).toBe('ACTIVE');
      expect(tenant.templateVersion).toBe('2.0.0');
      expect(tenant.previousTemplateVersion).toBe('1.0.0');
      expect(tenant.updatingRolloutId).toBeUndefined();
      expect(typeof tenant.templateDeployedAt).toBe('string');
      expect(items[tenantId].result).toBe('SUCCEEDED');
      expect(items[tenantId].previousVersion).toBe('1.0.0');
    }
  });

  test('failure in the canary halts before later waves', async () => {
    const tenants = await seedSiloTenants(fixture, 6, { idPrefix: 'halt' });
    const codebuild = new FakeCodeBuild(10, new Set([tenants[0]]));

    const result = await runLocalRollout(
      { rolloutId: 'halted', targetVersion: '2.0.0', waves: 'canary:1,50%,100%', concurrency: 2, toleratedFailurePercentage: 0 },
      options(codebuild),
    );

    expect(result.succeeded).toBe(false);
    expect(result.error).toBe('Rollout.Halted');
    expect(result.cause).toContain(tenants[0]);
    expect(codebuild.builds.map((build) => build.tenantId)).toEqual([tenants[0]]);

    const { header, tenants: items } = await readRollout(fixture, 'halted');
    expect(header.status).toBe('HALTED');
    expect(header.failedTenants).toEqual([tenants[0]]);
    expect(header.waves[0].status).toBe('FAILED');
    expect(header.waves[1].status).toBe('PENDING');
    expect(items[tenants[0]].result).toBe('FAILED');
    expect(items[tenants[0]].reason).toContain('terraform apply exited with 1');

    const failed = await readTenant(fixture, tenants[0]);
    expect(failed.status).toBe('ACTIVE');
    expect(failed.templateVersion).toBe('1.0.0');
    expect(failed.statusReason).toContain('terraform apply exited with 1');
    for (const tenantId of tenants.slice(1)) {
      const untouched = await readTenant(fixture, tenantId);
      expect(untouched.templateVersion).toBe('1.0.0');
      expect(untouched.updatedAt).toBe(untouched.createdAt);
      expect(items[tenantId].result).toBe('PENDING');
    }
  });

  test('failures within the tolerance continue', async () => {
    const tenants = await seedSiloTenants(fixture, 4, { idPrefix: 'tolr' });
    const codebuild = new FakeCodeBuild(5, new Set([tenants[1]]));

    const result = await runLocalRollout(
      { rolloutId: 'tolerated', targetVersion: '2.0.0', waves: '100%', concurrency: 4, toleratedFailurePercentage: 25 },
      options(codebuild),
    );

    expect(result.succeeded).toBe(true);
    const { header } = await readRollout(fixture, 'tolerated');
    expect(header.status).toBe('SUCCEEDED');
    expect(header.failedTenants).toEqual([tenants[1]]);
    expect(header.waves[0].failurePercentage).toBe(25);
  });

  test('rerun skips tenants already at the version', async () => {
    const tenants = await seedSiloTenants(fixture, 6, { idPrefix: 'rerun' });
    const first = new FakeCodeBuild(5, new Set([tenants[4]]));
    const halted = await runLocalRollout({ rolloutId: 'rerun-1', targetVersion: '3.0.0', waves: '2,100%', concurrency: 2 }, options(first));
    expect(halted.error).toBe('Rollout.Halted');
    expect(first.builds).toHaveLength(6);

    const second = new FakeCodeBuild(5);
    const rerun = await runLocalRollout({ rolloutId: 'rerun-2', targetVersion: '3.0.0', waves: '2,100%', concurrency: 2 }, options(second));

    expect(rerun.succeeded).toBe(true);
    expect(second.builds.map((build) => build.tenantId)).toEqual([tenants[4]]);
    const { header, tenants: items } = await readRollout(fixture, 'rerun-2');
    expect(header.status).toBe('SUCCEEDED');
    for (const tenantId of tenants.filter((id) => id !== tenants[4])) {
      expect(items[tenantId].result).toBe('SKIPPED');
      expect(items[tenantId].reason).toContain('already runs version 3.0.0');
    }
    expect((await readTenant(fixture, tenants[4])).templateVersion).toBe('3.0.0');
  });

  test('reused rollout id keeps the first record', async () => {
    const tenants = await seedSiloTenants(fixture, 2, { idPrefix: 'same' });
    const first = await runLocalRollout({ rolloutId: 'same-id', targetVersion: '3.1.0', waves: '100%' }, options(new FakeCodeBuild(5)));
    expect(first.succeeded).toBe(true);

    // The second run has the same execution ARN, which is made from the rollout id.
    const codebuild = new FakeCodeBuild(5);
    const second = await runLocalRollout({ rolloutId: 'same-id', targetVersion: '3.2.0', waves: '100%' }, options(codebuild));

    expect(second.execution?.executionArn).toBe(first.execution?.executionArn);
    expect(second.succeeded).toBe(false);
    expect(second.error).toBe('Rollout.InvalidInput');
    expect(second.cause).toContain('rollout same-id already exists');
    expect(codebuild.builds).toEqual([]);
    const { header, tenants: items } = await readRollout(fixture, 'same-id');
    expect(header.status).toBe('SUCCEEDED');
    expect(header.targetVersion).toBe('3.1.0');
    for (const tenantId of tenants) {
      expect(items[tenantId].result).toBe('SUCCEEDED');
      expect(items[tenantId].previousVersion).toBe('1.0.0');
      expect((await readTenant(fixture, tenantId)).templateVersion).toBe('3.1.0');
    }
  });

  test('approval gate approves then rejects', async () => {
    const tenants = await seedSiloTenants(fixture, 3, { idPrefix: 'gate', tier: 'DIAMOND' });
    const codebuild = new FakeCodeBuild(5);

    const running = runLocalRollout(
      { rolloutId: 'gated', targetVersion: '4.0.0', waves: 'canary:1,2,100%', concurrency: 1, approveBetweenWaves: true },
      options(codebuild),
    );

    await waitUntil(() => readWaiting(fixture.stateDir, 'gated')?.wave === 2);
    expect((await readRollout(fixture, 'gated')).header.status).toBe('WAITING_FOR_APPROVAL');
    expect((await readRollout(fixture, 'gated')).header.approvalForWave).toBe(2);
    expect(codebuild.builds.map((build) => build.tenantId)).toEqual([tenants[0]]);
    recordDecision(fixture.stateDir, 'gated', { decision: 'approve', decidedBy: 'operator' });

    await waitUntil(() => readWaiting(fixture.stateDir, 'gated')?.wave === 3);
    expect(codebuild.builds.map((build) => build.tenantId)).toEqual([tenants[0], tenants[1]]);
    recordDecision(fixture.stateDir, 'gated', { decision: 'reject', decidedBy: 'operator', reason: 'error rate rose after wave 2' });

    const result = await running;
    expect(result.succeeded).toBe(false);
    expect(result.error).toBe('Rollout.Rejected');
    expect(result.cause).toContain('error rate rose after wave 2');
    expect(codebuild.builds).toHaveLength(2);

    const { header } = await readRollout(fixture, 'gated');
    expect(header.status).toBe('REJECTED');
    expect(header.approvalTaskToken).toBeUndefined();
    expect((await readTenant(fixture, tenants[2])).templateVersion).toBe('1.0.0');
    expect(readWaiting(fixture.stateDir, 'gated')).toBeUndefined();
  });

  test('version parameter is read without targetVersion', async () => {
    await seedSiloTenants(fixture, 2, { idPrefix: 'parm' });
    const codebuild = new FakeCodeBuild(5);
    const names: string[] = [];
    const result = await runLocalRollout(
      { rolloutId: 'from-parameter' },
      {
        ...options(codebuild),
        getParameter: async (name) => {
          names.push(name);
          return '6.0.0';
        },
      },
    );
    expect(result.succeeded).toBe(true);
    expect(names).toEqual(['/rt/control-plane/tenant-template-version']);
    expect(codebuild.builds.map((build) => build.version)).toEqual(['6.0.0', '6.0.0']);
  });

  test('invalid input fails before any job', async () => {
    await seedSiloTenants(fixture, 1, { idPrefix: 'inva' });
    const codebuild = new FakeCodeBuild(5);
    const result = await runLocalRollout({ rolloutId: 'bad-input', targetVersion: '2.0.0', waves: '10%' }, options(codebuild));
    expect(result.succeeded).toBe(false);
    expect(result.error).toBe('Rollout.InvalidInput');
    expect(result.cause).toContain('must end with 100%');
    expect(codebuild.builds).toEqual([]);

    const badId = await runLocalRollout({ rolloutId: 'no spaces allowed', targetVersion: '2.0.0' }, options(codebuild));
    expect(badId.error).toBe('Rollout.InvalidInput');
    expect(badId.cause).toContain('rollout id "no spaces allowed" is invalid');
  });

  test('decision without a waiting gate is rejected', () => {
    expect(() => recordDecision(fixture.stateDir, 'no-such-rollout', { decision: 'approve' })).toThrow('is not waiting for approval');
  });

  test('rollback returns tenants to the previous version', async () => {
    const tenants = await seedSiloTenants(fixture, 5, { idPrefix: 'back' });
    const deploy = new FakeCodeBuild(5, new Set([tenants[3]]));
    const deployed = await runLocalRollout(
      { rolloutId: 'to-undo', targetVersion: '5.0.0', waves: '2,100%', concurrency: 3, toleratedFailurePercentage: 50 },
      options(deploy),
    );
    expect(deployed.succeeded).toBe(true);

    const rollback = new FakeCodeBuild(5);
    const result = await runLocalRollout({ rolloutId: 'undo', mode: 'rollback', rollbackOf: 'to-undo', concurrency: 3 }, options(rollback));

    expect(result.error).toBeUndefined();
    expect(result.succeeded).toBe(true);
    // The tenant whose update failed never left 1.0.0, so it is not in the rollback.
    expect(rollback.builds.map((build) => build.tenantId).sort()).toEqual(tenants.filter((id) => id !== tenants[3]).sort());
    expect(rollback.builds.every((build) => build.version === '1.0.0')).toBe(true);
    for (const tenantId of tenants) {
      const tenant = await readTenant(fixture, tenantId);
      expect(tenant.templateVersion).toBe('1.0.0');
      expect(tenant.status).toBe('ACTIVE');
    }
    expect((await readRollout(fixture, 'to-undo')).header.status).toBe('ROLLED_BACK');
    expect((await readRollout(fixture, 'to-undo')).header.rolledBackBy).toBe('undo');
    expect((await readRollout(fixture, 'undo')).header.status).toBe('SUCCEEDED');

    const again = await runLocalRollout({ rolloutId: 'undo-again', mode: 'rollback', rollbackOf: 'to-undo' }, options(new FakeCodeBuild(5)));
    expect(again.error).toBe('Rollout.InvalidInput');
    expect(again.cause).toContain('already rolled back by undo');
  });
});
