/**
 * Failure paths of batch onboarding on the local target, through the real binary: a
 * provisioning job that fails with a Terraform error, a handler that throws, a batch
 * stopped with Ctrl-C, and a process killed outright. After each the registry contains no
 * tenant in progress, the failed tenant's reason is shown, and running the batch again
 * completes the rest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CliResult, json, runCli, startCli, temporaryDirectory, waitFor, removeTemporaryDirectories } from './support/run-cli';

afterAll(removeTemporaryDirectories);

interface TenantJson {
  tenantId: string;
  tenantName: string;
  status: string;
  statusReason?: string;
}

interface BatchJson {
  summary: { total: number; succeeded: number; created: number; existing: number; retried: number; invalid: number; interrupted: number };
  tenants: Array<{ index: number; result: string; tenant?: TenantJson; message?: string; field?: string }>;
}

const IN_PROGRESS = ['PENDING', 'PROVISIONING', 'DEPROVISIONING'];

function writeBatch(directory: string, entries: unknown[]): string {
  const file = path.join(directory, 'tenants.json');
  fs.writeFileSync(file, JSON.stringify(entries, null, 2));
  return file;
}

async function tenants(env: NodeJS.ProcessEnv): Promise<TenantJson[]> {
  return json<TenantJson[]>(await runCli(['tenants', 'list', '--json'], env));
}

function outcomeOf(batch: BatchJson, index: number) {
  return batch.tenants.find((tenant) => tenant.index === index)!;
}

/** True once the local CodeBuild runner has started a build in the state directory. */
function buildStarted(stateDir: string): boolean {
  const builds = path.join(stateDir, 'codebuild', 'builds');
  return fs.existsSync(builds) && fs.readdirSync(builds).length > 0;
}

describe('batch onboarding faults', () => {
  const stateDir = temporaryDirectory('tenantform-faults-');
  const env = { TENANTFORM_STATE_DIR: stateDir };
  const file = path.join(temporaryDirectory('tenantform-faults-input-'), 'tenants.json');

  beforeAll(() => {
    writeBatch(path.dirname(file), [
      { tenantName: 'Good Pool', email: 'admin@good.example', tier: 'BASIC' },
      { tenantName: 'Broken Silo', email: 'admin@broken.example', tier: 'PLATINUM' },
      { tenantName: 'Handler Victim', email: 'admin@victim.example', tier: 'STANDARD' },
      { tenantName: 'Gold Rush', email: 'admin@gold.example', tier: 'GOLD' },
      'not an object',
      { tenantName: 'good pool', email: 'other@good.example', tier: 'BASIC' },
    ]);
  });

  let firstRun: CliResult;

  test('failures are reported per entry', async () => {
    firstRun = await runCli(['tenants', 'onboard', '--file', file, '--json'], {
      ...env,
      TENANTFORM_FAULT_TERRAFORM: 'Broken Silo',
      TENANTFORM_FAULT_HANDLER: 'lifecycle-create-admin:handler victim',
    });
    const batch = json<BatchJson>(firstRun);

    expect(firstRun.code).toBe(1);
    expect(outcomeOf(batch, 1).tenant?.status).toBe('ACTIVE');
    expect(outcomeOf(batch, 2).tenant?.status).toBe('PROVISION_FAILED');
    expect(outcomeOf(batch, 3).tenant?.status).toBe('PROVISION_FAILED');
    expect(outcomeOf(batch, 4)).toEqual(expect.objectContaining({ result: 'invalid', field: 'tier' }));
    expect(outcomeOf(batch, 5)).toEqual(expect.objectContaining({ result: 'invalid' }));
    expect(outcomeOf(batch, 6).message).toContain('repeats the name of entry 1');
    expect(batch.summary.succeeded).toBe(1);
  }, 240_000);

  test('terraform error is the tenant reason', async () => {
    const result = await runCli(['tenants', 'show', 'Broken Silo'], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Status:\s+PROVISION_FAILED$/m);
    // The failure event and the execution's status-change event race to the registry
    // updater, as on AWS; either reason carries the job's own error text.
    expect(result.stdout).toMatch(/^Reason:\s+(state machine .* ended FAILED: ProvisioningFailed: )?provisioning job .* ended with status FAILED$/m);
    expect(result.stdout).toContain('Value for undeclared variable');
    expect(result.stdout).toContain('tenantform_injected_fault');
  });

  test('thrown handler error is the tenant reason', async () => {
    const result = await runCli(['tenants', 'show', 'Handler Victim', '--json'], env);
    const tenant = json<TenantJson>(result);

    expect(tenant.status).toBe('PROVISION_FAILED');
    expect(tenant.statusReason).toContain('InjectedFault');
    expect(tenant.statusReason).toContain('lifecycle-create-admin');
  });

  test('failed execution shows the caught error', async () => {
    const victim = json<TenantJson>(await runCli(['tenants', 'show', 'Handler Victim', '--json'], env));
    const [execution] = json<Array<{ name: string; status: string }>>(await runCli(['executions', 'list', '--tenant', victim.tenantId, '--json'], env));
    const shown = json<{ status: string; states: Array<{ name: string; status: string; error?: string }> }>(
      await runCli(['executions', 'show', execution.name, '--json'], env),
    );

    expect(shown.status).toBe('FAILED');
    expect(shown.states.find((state) => state.name === 'Create tenant admin')).toEqual(expect.objectContaining({ status: 'CAUGHT', error: 'InjectedFault' }));
  });

  test('registry has no tenant in progress', async () => {
    const all = await tenants(env);

    expect(all).toHaveLength(3);
    expect(all.filter((tenant) => IN_PROGRESS.includes(tenant.status))).toEqual([]);
  });

  test('rerun retries failed tenants and creates no duplicate', async () => {
    const result = await runCli(['tenants', 'onboard', '--file', file, '--json'], env);
    const batch = json<BatchJson>(result);

    expect(outcomeOf(batch, 1)).toEqual(expect.objectContaining({ result: 'exists' }));
    expect(outcomeOf(batch, 2)).toEqual(expect.objectContaining({ result: 'retried' }));
    expect(outcomeOf(batch, 2).tenant?.status).toBe('ACTIVE');
    expect(outcomeOf(batch, 3)).toEqual(expect.objectContaining({ result: 'retried' }));
    expect(outcomeOf(batch, 3).tenant?.status).toBe('ACTIVE');
    // The invalid entries are still invalid, so the batch still fails.
    expect(result.code).toBe(1);
    expect(await tenants(env)).toHaveLength(3);
  }, 240_000);
});

describe('single onboarding retry', () => {
  const stateDir = temporaryDirectory('tenantform-retry-');
  const env = { TENANTFORM_STATE_DIR: stateDir };
  const onboard = (tier: string, extra: NodeJS.ProcessEnv = {}) =>
    runCli(['tenants', 'onboard', '--name', 'Retry Pool', '--email', 'admin@retry.example', '--tier', tier, '--json'], { ...env, ...extra });
  let failed: TenantJson;

  test('failed onboarding exits 1', async () => {
    const result = await onboard('BASIC', { TENANTFORM_FAULT_HANDLER: 'lifecycle-create-admin:Retry Pool' });
    failed = json<TenantJson>(result);

    expect(result.code).toBe(1);
    expect(failed.status).toBe('PROVISION_FAILED');
    expect(result.stderr).toContain('InjectedFault');
  }, 120_000);

  test('other tier is rejected', async () => {
    const result = await onboard('STANDARD');

    expect(result.code).toBe(1);
    expect(json<{ error: { message: string; field: string } }>(result).error).toEqual({
      message:
        `tenant "Retry Pool" (id ${failed.tenantId}) failed to onboard and is kept as PROVISION_FAILED, but its tier is "BASIC", not "STANDARD". ` +
        `Run the command again with --email admin@retry.example --tier BASIC to retry it, or offboard it with "tenantform tenants offboard ${failed.tenantId}" first`,
      field: 'tenantName',
      type: 'OperationError',
    });
    expect(json<TenantJson>(await runCli(['tenants', 'show', failed.tenantId, '--json'], env)).status).toBe('PROVISION_FAILED');
  }, 120_000);

  test('same command retries it', async () => {
    const result = await onboard('BASIC');
    const tenant = json<TenantJson>(result);

    expect(result.code).toBe(0);
    expect(tenant.tenantId).toBe(failed.tenantId);
    expect(tenant.status).toBe('ACTIVE');
    expect(tenant.statusReason).toBeUndefined();
    expect(result.stderr).toContain('failed to onboard before: InjectedFault');
    expect(await tenants(env)).toHaveLength(1);
  }, 120_000);

  test('invalid fault setting is rejected', async () => {
    const result = await onboard('BASIC', { TENANTFORM_FAULT_HANDLER: 'create-admin' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TENANTFORM_FAULT_HANDLER is invalid: entry "create-admin" must have the form <handler-id>:<tenant id or name>');
  }, 120_000);
});

describe('npm start style batch', () => {
  const stateDir = temporaryDirectory('tenantform-start-');
  const env = { TENANTFORM_STATE_DIR: stateDir };
  const file = path.resolve(__dirname, '..', '..', 'examples', 'tenants.json');

  test('example file covers every tier', () => {
    const entries = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ tier: string }>;
    const tiers = entries.map((entry) => entry.tier);

    expect(entries.length).toBeGreaterThanOrEqual(8);
    expect(new Set(tiers)).toEqual(new Set(['BASIC', 'STANDARD', 'PREMIUM', 'PLATINUM']));
    expect(tiers.filter((tier) => tier === 'PLATINUM')).toHaveLength(2);
  });

  test('second run onboards nothing twice', async () => {
    const first = await runCli(['tenants', 'onboard', '--file', file], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Granite Insurance\s+\S+\s+PLATINUM\s+silo\s+ACTIVE\s+created\s+planned, not deployed/);

    const second = await runCli(['tenants', 'onboard', '--file', file, '--json'], env);
    const batch = json<BatchJson>(second);

    expect(second.code).toBe(0);
    expect(batch.summary.existing).toBe(8);
    expect(batch.summary.created).toBe(0);
    expect(second.stderr).toContain('every tenant in the file exists already');
    expect(await tenants(env)).toHaveLength(8);
  }, 300_000);
});

describe('interrupted batch', () => {
  const stateDir = temporaryDirectory('tenantform-interrupt-');
  const env = { TENANTFORM_STATE_DIR: stateDir };
  const inputDir = temporaryDirectory('tenantform-interrupt-input-');
  const file = writeBatch(inputDir, [
    { tenantName: 'Slow Silo', email: 'admin@slow.example', tier: 'PLATINUM' },
    { tenantName: 'Later Pool', email: 'admin@later.example', tier: 'BASIC' },
    { tenantName: 'Last Pool', email: 'admin@last.example', tier: 'PREMIUM' },
  ]);

  test('Ctrl-C marks the running tenant interrupted', async () => {
    const running = startCli(['tenants', 'onboard', '--file', file, '--concurrency', '1', '--interrupt-grace', '1', '--json'], env);
    await waitFor(() => buildStarted(stateDir), 120_000, 'the provisioning job of Slow Silo to start');

    const locked = await runCli(['tenants', 'list'], env);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain(`is in use by process ${running.child.pid}`);

    running.child.kill('SIGINT');
    const result = await running.result;
    const batch = json<BatchJson>(result);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('interrupted: no new tenant starts');
    expect(outcomeOf(batch, 1).result).toBe('interrupted');
    expect(outcomeOf(batch, 1).tenant?.status).toBe('PROVISION_FAILED');
    expect(outcomeOf(batch, 2)).toEqual(expect.objectContaining({ result: 'interrupted', message: 'not started: the batch was interrupted' }));

    const [slow] = await tenants(env);
    expect(slow.tenantName).toBe('Slow Silo');
    expect(slow.statusReason).toMatch(/^interrupted/);
  }, 240_000);

  test('execution of the interrupted tenant is aborted', async () => {
    const [execution] = json<Array<{ status: string }>>(await runCli(['executions', 'list', '--tenant', 'Slow Silo', '--json'], env));

    expect(execution.status).toBe('ABORTED');
  });

  test('rerun completes the interrupted batch', async () => {
    const result = await runCli(['tenants', 'onboard', '--file', file, '--json'], env);
    const batch = json<BatchJson>(result);

    expect(result.code).toBe(0);
    expect(outcomeOf(batch, 1)).toEqual(expect.objectContaining({ result: 'retried' }));
    expect(batch.summary.created).toBe(2);
    expect((await tenants(env)).map((tenant) => tenant.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
  }, 240_000);
});

describe('killed sandbox process', () => {
  const stateDir = temporaryDirectory('tenantform-killed-');
  const env = { TENANTFORM_STATE_DIR: stateDir };

  test('next command repairs what it left', async () => {
    const running = startCli(['tenants', 'onboard', '--name', 'Orphan Silo', '--email', 'admin@orphan.example', '--tier', 'PLATINUM'], env);
    await waitFor(() => buildStarted(stateDir), 120_000, 'the provisioning job of Orphan Silo to start');
    running.child.kill('SIGKILL');
    await running.result;

    const result = await runCli(['tenants', 'show', 'Orphan Silo', '--json'], env);
    const tenant = json<TenantJson>(result);

    expect(result.stderr).toContain(`the previous sandbox process (${running.child.pid}) ended while it was working`);
    expect(tenant.status).toBe('PROVISION_FAILED');
    expect(tenant.statusReason).toContain(`the sandbox process ${running.child.pid} ended`);
    const [execution] = json<Array<{ status: string }>>(await runCli(['executions', 'list', '--json'], env));
    expect(execution.status).toBe('ABORTED');
  }, 240_000);
});
