/**
 * The rollout and drift commands through the real `tenantform` binary on the local target:
 * silo tenants onboarded with Terraform plans, and rollout jobs that are the real
 * provisioning job in local mode.
 */
import * as fs from 'fs';
import { json, runCli, startCli, temporaryDirectory, waitFor } from '../cli/support/run-cli';

interface RolloutJson {
  rolloutId: string;
  status: string;
  waves: { number: number; status: string; tenants: string[] }[];
  tenants: { tenantId: string; tenantName?: string; result: string; previousVersion?: string; targetVersion: string }[];
}

const stateDir = temporaryDirectory('tenantform-rollout-cli-');
const env = { TENANTFORM_STATE_DIR: stateDir };
const cli = (...args: string[]) => runCli(args, env);
const tenantIds: string[] = [];

afterAll(() => {
  fs.rmSync(stateDir, { recursive: true, force: true });
});

describe('rollout commands on the local target', () => {
  beforeAll(async () => {
    for (const name of ['Rollout One', 'Rollout Two']) {
      const result = await cli('tenants', 'onboard', '--name', name, '--email', 'ops@rollout.example', '--tier', 'PLATINUM', '--json');
      expect(result.code).toBe(0);
      tenantIds.push(json<{ tenantId: string }>(result).tenantId);
    }
  }, 180000);

  test('gated rollout waits, is approved and succeeds', async () => {
    const running = startCli(
      ['rollout', 'start', '--version', '9.1.0', '--waves', 'canary:1,100%', '--concurrency', '2', '--approve-between-waves', '--rollout-id', 'cli-gated', '--json'],
      env,
    );
    await waitFor(() => running.stderr().includes('waits for approval of wave 2'), 120000, 'the approval gate');

    const status = await cli('rollout', 'status', 'cli-gated');
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('waiting for approval of wave 2');

    const approve = await cli('rollout', 'approve', 'cli-gated');
    expect(approve.stderr).toContain('wave 2 of rollout cli-gated approved');
    expect(approve.code).toBe(0);

    const result = await running.result;
    expect(result.code).toBe(0);
    const rollout = json<RolloutJson>(result);
    expect(rollout.status).toBe('SUCCEEDED');
    expect(rollout.waves.map((wave) => wave.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(rollout.tenants.map((tenant) => tenant.result)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(rollout.tenants.map((tenant) => tenant.tenantName).sort()).toEqual(['Rollout One', 'Rollout Two']);
    expect(result.stderr).toContain('local tenants are planned, not applied');

    const tenant = json<{ templateVersion: string; status: string }>(await cli('tenants', 'show', tenantIds[0], '--json'));
    expect(tenant).toMatchObject({ templateVersion: '9.1.0', status: 'ACTIVE' });
  }, 240000);

  test('second approval is rejected', async () => {
    const again = await cli('rollout', 'approve', 'cli-gated');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not waiting for approval');
  });

  test('rerun skips tenants at the version', async () => {
    const result = await cli('rollout', 'start', '--version', '9.1.0', '--rollout-id', 'cli-rerun', '--json');
    expect(result.code).toBe(0);
    const rollout = json<RolloutJson>(result);
    expect(rollout.waves).toEqual([]);
    expect(rollout.tenants.map((tenant) => tenant.result)).toEqual(['SKIPPED', 'SKIPPED']);
  }, 120000);

  test('rollback returns to the onboarded version', async () => {
    const result = await cli('rollout', 'rollback', 'cli-gated', '--rollout-id', 'cli-undo', '--json');
    expect(result.code).toBe(0);
    const rollout = json<RolloutJson>(result);
    expect(rollout.status).toBe('SUCCEEDED');
    const versions = rollout.tenants.map((tenant) => tenant.targetVersion);
    expect(versions.every((version) => version.startsWith('local-'))).toBe(true);

    const list = json<{ rolloutId: string; status: string }[]>(await cli('rollout', 'status', '--json'));
    expect(list.find((entry) => entry.rolloutId === 'cli-gated')?.status).toBe('ROLLED_BACK');
  }, 240000);

  test('drift reports every planned tenant', async () => {
    const result = await cli('drift', '--json');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('local tenants are planned, not applied');
    const drift = json<{ tenantId: string; tenantName: string; status: string; changes: unknown[] }[]>(result);
    expect(drift.map((entry) => entry.status)).toEqual(['DRIFTED', 'DRIFTED']);
    expect(drift.map((entry) => entry.tenantName).sort()).toEqual(['Rollout One', 'Rollout Two']);
    expect(drift.every((entry) => entry.changes.length > 0)).toBe(true);
  }, 240000);

  test.each([
    [['rollout', 'start', '--version', '../x'], 'is not a template version'],
    [['rollout', 'start', '--version', '1.0.0', '--waves', '10%'], 'must end with 100%'],
    [['rollout', 'start', '--version', '1.0.0', '--concurrency', '41'], 'more than 40'],
    [['rollout', 'start', '--version', '1.0.0', '--tolerated-failure-percentage', '-5'], 'not a percentage'],
    [['rollout', 'approve', 'bad id'], 'is not a rollout id'],
    [['rollout', 'start'], "required option '--version <version>' not specified"],
  ])('usage error %j', async (args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  test('unknown rollout is not found', async () => {
    const result = await cli('rollout', 'status', 'no-such-rollout');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('rollout no-such-rollout was not found');
  });

  test('drift of a pooled tenant is refused', async () => {
    const pooled = await cli('tenants', 'onboard', '--name', 'Pool Drift', '--email', 'ops@pool.example', '--tier', 'BASIC', '--json');
    const result = await cli('drift', json<{ tenantId: string }>(pooled).tenantId);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has no stack of its own');
  }, 120000);
});
