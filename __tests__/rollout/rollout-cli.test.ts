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

interface ErrorJson {
  error: { message: string; field?: string };
}

async function countExecutions(): Promise<number> {
  const result = await cli('executions', 'list', '--limit', '1000', '--json');
  expect(result.code).toBe(0);
  return json<unknown[]>(result).length;
}

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

    // Checked after the approval, so that a failed check leaves no rollout waiting.
    const other = await cli('rollout', 'approve', 'not-the-gated-one');
    const approve = await cli('rollout', 'approve', 'cli-gated');
    expect(approve.stderr).toContain('wave 2 of rollout cli-gated approved');
    expect(approve.code).toBe(0);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('rollout not-the-gated-one is not waiting for approval, and its record cannot be read while process');

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
    expect(again.stderr).toContain('rollout cli-gated is SUCCEEDED, not WAITING_FOR_APPROVAL, so there is nothing to approve');
  });

  test('reused rollout id is rejected', async () => {
    const executions = await countExecutions();

    const start = await cli('rollout', 'start', '--version', '9.2.0', '--rollout-id', 'cli-gated', '--json');
    expect(start.code).toBe(1);
    expect(json<ErrorJson>(start).error.field).toBe('rollout-id');
    expect(json<ErrorJson>(start).error.message).toMatch(/^rollout cli-gated already exists \(SUCCEEDED, started .+\); choose another --rollout-id/);
    expect(start.stderr).not.toContain('Plan rollout');

    const rollback = await cli('rollout', 'rollback', 'cli-gated', '--rollout-id', 'cli-gated', '--json');
    expect(rollback.code).toBe(1);
    expect(json<ErrorJson>(rollback).error.message).toContain('rollout cli-gated already exists');

    const rollout = json<RolloutJson>(await cli('rollout', 'status', 'cli-gated', '--json'));
    expect(rollout.status).toBe('SUCCEEDED');
    expect(rollout.tenants.map((tenant) => tenant.result)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(rollout.tenants.map((tenant) => tenant.targetVersion)).toEqual(['9.1.0', '9.1.0']);
    expect(rollout.tenants.every((tenant) => tenant.previousVersion?.startsWith('local-'))).toBe(true);
    const tenant = json<{ templateVersion: string }>(await cli('tenants', 'show', tenantIds[1], '--json'));
    expect(tenant.templateVersion).toBe('9.1.0');
    expect(await countExecutions()).toBe(executions);
  }, 120000);

  test('rerun skips tenants at the version', async () => {
    const result = await cli('rollout', 'start', '--version', '9.1.0', '--rollout-id', 'cli-rerun', '--json');
    expect(result.code).toBe(0);
    const rollout = json<RolloutJson>(result);
    expect(rollout.waves).toEqual([]);
    expect(rollout.tenants.map((tenant) => tenant.result)).toEqual(['SKIPPED', 'SKIPPED']);
    expect(result.stderr).toContain('no silo tenants to update: the 2 ACTIVE silo tenants already run version 9.1.0');

    const status = await cli('rollout', 'status', 'cli-rerun');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('no silo tenants to update');
    expect(status.stdout).not.toContain('WAVE  STATUS');
  }, 120000);

  test('rollback of an empty rollout is explained', async () => {
    const result = await cli('rollout', 'rollback', 'cli-rerun', '--rollout-id', 'cli-undo-rerun', '--json');
    expect(result.code).toBe(0);
    expect(json<RolloutJson>(result).waves).toEqual([]);
    expect(result.stderr).toContain('nothing to roll back: rollout cli-rerun updated no tenant');
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

  test.each([['rollback'], ['approve'], ['reject']])('%s of an unknown rollout starts nothing', async (command) => {
    const executions = await countExecutions();
    const result = await cli('rollout', command, 'nope', '--json');
    expect(result.code).toBe(1);
    expect(json<ErrorJson>(result).error).toMatchObject({ message: 'rollout nope was not found; list rollouts with "tenantform rollout status"', field: 'rollout' });
    expect(result.stderr).not.toContain('Plan rollout');
    expect(await countExecutions()).toBe(executions);
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
