/**
 * End-to-end tests of the CLI on the local target: the real binary in a child process, a
 * temporary state directory, and every engine of the sandbox (dynalite, cognito-local,
 * the emulators, the event bus, the state machines and Terraform for the silo tenant).
 */
import * as fs from 'fs';
import * as path from 'path';
import { json, runCli, temporaryDirectory, removeTemporaryDirectories } from './support/run-cli';

afterAll(removeTemporaryDirectories);

interface TenantJson {
  tenantId: string;
  tenantName: string;
  tier: string;
  model: string;
  status: string;
  statusReason?: string;
  outputs?: Record<string, unknown>;
}

interface ExecutionJson {
  name: string;
  executionArn: string;
  stateMachine: string;
  status: string;
  tenantId?: string;
  tenantName?: string;
  states?: Array<{ name: string; type: string; status: string; durationMs?: number; error?: string; cause?: string }>;
}

const stateDir = temporaryDirectory('tenantform-cli-');
const env = { TENANTFORM_STATE_DIR: stateDir };
const cli = (...args: string[]) => runCli(args, env);

async function tenantCount(): Promise<number> {
  const list = await cli('tenants', 'list', '--json');
  return json<TenantJson[]>(list).length;
}

describe('tenantform CLI on the local target', () => {
  let pooled: TenantJson;
  let silo: TenantJson;

  test('onboards a pooled tenant', async () => {
    const result = await cli('tenants', 'onboard', '--name', 'Acme Corp', '--email', 'admin@acme.example', '--tier', 'BASIC', '--json');

    expect(result.stderr).toContain('registered tenant Acme Corp');
    expect(result.code).toBe(0);
    pooled = json<TenantJson>(result);
    expect(pooled.status).toBe('ACTIVE');
    expect(pooled.model).toBe('pool');
    expect(pooled.tenantId).toMatch(/^[a-z0-9]{4,20}$/);
    expect(pooled.outputs?.apiKeyId).toEqual(expect.any(String));
    expect(pooled.outputs?.usagePlanId).toEqual(expect.any(String));
  });

  test('onboards a silo tenant with a Terraform plan', async () => {
    const result = await cli('tenants', 'onboard', '--name', 'Harbor Health', '--email', 'sre@harbor.example', '--tier', 'PLATINUM', '--json');

    expect(result.code).toBe(0);
    silo = json<TenantJson>(result);
    expect(silo.status).toBe('ACTIVE');
    expect(silo.model).toBe('silo');
    expect(silo.outputs?.planned).toBe(true);
  }, 240_000);

  test('lists tenants as JSON', async () => {
    const result = await cli('tenants', 'list', '--json');

    expect(result.code).toBe(0);
    const tenants = json<TenantJson[]>(result);
    expect(tenants.map((tenant) => tenant.tenantName).sort()).toEqual(['Acme Corp', 'Harbor Health']);
    expect(tenants.every((tenant) => !('listPartition' in tenant))).toBe(true);
  });

  test('filters the list by tier', async () => {
    const result = await cli('tenants', 'list', '--tier', 'PLATINUM', '--json');

    expect(json<TenantJson[]>(result).map((tenant) => tenant.tenantName)).toEqual(['Harbor Health']);
  });

  test('status filter takes any case', async () => {
    const lower = json<TenantJson[]>(await cli('tenants', 'list', '--status', 'active', '--json'));
    const upper = json<TenantJson[]>(await cli('tenants', 'list', '--status', 'ACTIVE', '--json'));

    expect(lower.length).toBeGreaterThan(0);
    expect(lower).toEqual(upper);
  });

  test('invalid filter names the option', async () => {
    const result = await cli('tenants', 'list', '--status', 'done');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('status "done" is not one of PENDING');
    expect(result.stderr).toContain('; set it with --status');
  });

  test('shows a tenant by name in another case', async () => {
    const result = await cli('tenants', 'show', 'acme CORP');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^ID:\\s+${pooled.tenantId}$`, 'm'));
    expect(result.stdout).toMatch(/^Status:\s+ACTIVE$/m);
    expect(result.stdout).toContain('apiKeyId:');
  });

  test('shows a tenant by id', async () => {
    const result = await cli('tenants', 'show', silo.tenantId, '--json');

    expect(json<TenantJson>(result).tenantName).toBe('Harbor Health');
  });

  test('unknown tenant exits 1 naming it', async () => {
    const result = await cli('tenants', 'show', 'nobody-here');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tenant "nobody-here" was not found');
  });

  test('lists and shows executions', async () => {
    const list = await cli('executions', 'list', '--tenant', 'Harbor Health', '--json');
    const executions = json<ExecutionJson[]>(list);

    expect(list.code).toBe(0);
    expect(executions).toHaveLength(1);
    expect(executions[0].stateMachine).toBe('onboarding');
    expect(executions[0].status).toBe('SUCCEEDED');
    expect(executions[0].tenantId).toBe(silo.tenantId);
    expect(executions[0].tenantName).toBe('Harbor Health');

    const show = await cli('executions', 'show', executions[0].name, '--json');
    const execution = json<ExecutionJson>(show);
    const stateNames = execution.states!.map((state) => state.name);
    expect(stateNames).toContain('Run provisioning job');
    expect(stateNames).toContain('Emit provision success');
    expect(execution.states!.every((state) => state.status === 'SUCCEEDED')).toBe(true);
    expect(execution.states!.find((state) => state.name === 'Run provisioning job')!.type).toBe('Task');

    const text = await cli('executions', 'show', executions[0].executionArn);
    expect(text.stdout).toMatch(new RegExp(`Tenant:\\s+Harbor Health \\(${silo.tenantId}\\)`));
    expect(text.stdout).toMatch(/Run provisioning job\s+Task\s+\S+\s+(\d+ min )?[\d.]+ (ms|s)\s+SUCCEEDED/);
  });

  test('lists and shows the planned Terraform state', async () => {
    const list = await cli('state', 'list', 'Harbor Health', '--json');
    const state = json<{ kind: string; resources: Array<{ address: string; actions?: string[] }> }>(list);

    expect(list.code).toBe(0);
    expect(state.kind).toBe('plan');
    expect(state.resources.length).toBeGreaterThan(0);
    expect(state.resources.every((resource) => resource.actions?.includes('create'))).toBe(true);

    const address = state.resources[0].address;
    const show = await cli('state', 'show', 'Harbor Health', address);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`# ${address}:`);

    const missing = await cli('state', 'show', 'Harbor Health', 'aws_s3_bucket.nothing');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('"aws_s3_bucket.nothing" is not in the plan');
    expect(missing.stderr).toContain(`list the addresses with "tenantform state list 'Harbor Health'"`);
  });

  test('pooled tenant has no Terraform state', async () => {
    const result = await cli('state', 'list', 'Acme Corp');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('it is a pooled tenant');
  });

  test('deactivates and activates a tenant', async () => {
    const deactivated = await cli('tenants', 'deactivate', 'Acme Corp', '--json');
    expect(deactivated.code).toBe(0);
    expect(json<TenantJson>(deactivated).status).toBe('INACTIVE');

    const again = await cli('tenants', 'deactivate', 'Acme Corp');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is INACTIVE, so it cannot be deactivated');

    const activated = await cli('tenants', 'activate', pooled.tenantId, '--json');
    expect(activated.code).toBe(0);
    expect(json<TenantJson>(activated).status).toBe('ACTIVE');
  });

  test('duplicate name in another case is a conflict', async () => {
    const before = await tenantCount();
    const result = await cli('tenants', 'onboard', '--name', 'ACME corp', '--email', 'other@acme.example', '--tier', 'BASIC', '--json');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tenant name "ACME corp" is already registered by tenant "Acme Corp"');
    expect(result.stderr).toContain(pooled.tenantId);
    expect(json<{ error: { field: string } }>(result).error.field).toBe('tenantName');
    expect(await tenantCount()).toBe(before);
  });

  test('unknown tier lists the tiers', async () => {
    const before = await tenantCount();
    const result = await cli('tenants', 'onboard', '--name', 'Gold Rush', '--email', 'a@gold.example', '--tier', 'GOLD', '--json');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tier "GOLD" is not one of BASIC, STANDARD, PREMIUM, PLATINUM');
    expect(json<{ error: { field: string } }>(result).error.field).toBe('tier');
    expect(await tenantCount()).toBe(before);
  });

  test('missing email is a usage error', async () => {
    const before = await tenantCount();
    const result = await cli('tenants', 'onboard', '--name', 'No Mail', '--tier', 'BASIC', '--json');

    expect(result.code).toBe(2);
    expect(json<{ error: { message: string } }>(result).error.message).toBe('missing --email: one tenant needs --name, --email and --tier');
    expect(await tenantCount()).toBe(before);
    const reused = await cli('tenants', 'show', 'No Mail');
    expect(reused.code).toBe(1);
  });

  test('invalid email names the field', async () => {
    const result = await cli('tenants', 'onboard', '--name', 'Bad Mail', '--email', 'not-an-email', '--tier', 'BASIC');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('email "not-an-email"');
  });

  test.each([
    ['unknown option', ['tenants', 'list', '--bogus']],
    ['missing argument', ['tenants', 'show']],
    ['unknown command', ['tenants', 'explode']],
    ['no subcommand', ['tenants']],
    ['invalid target', ['--target', 'mars', 'tenants', 'list']],
    ['invalid concurrency', ['tenants', 'onboard', '--file', 'x.json', '--concurrency', '0']],
    ['onboard without input', ['tenants', 'onboard']],
    ['file and name together', ['tenants', 'onboard', '--file', 'x.json', '--name', 'x']],
    ['onboard without tier', ['tenants', 'onboard', '--name', 'No Tier', '--email', 'ops@notier.example']],
    ['onboard with tier only', ['tenants', 'onboard', '--tier', 'BASIC']],
    ['concurrency for one tenant', ['tenants', 'onboard', '--name', 'Solo', '--email', 'ops@solo.example', '--tier', 'BASIC', '--concurrency', '2']],
  ])('usage error exits 2: %s', async (_name, args) => {
    const result = await cli(...args);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error|Usage/);
  });

  test('drift of unknown tenant prints one JSON document', async () => {
    // The test setup disables Powertools metrics for every process; a user's shell does not.
    const result = await runCli(['drift', 'nobody-here', '--json'], { ...env, POWERTOOLS_METRICS_DISABLED: 'false' });

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ error: expect.objectContaining({ field: 'tenant' }) });
    expect(result.stderr).not.toContain('Namespace should be defined');
  });

  test('missing options are named', async () => {
    const result = await cli('tenants', 'onboard', '--tier', 'BASIC', '--json');

    expect(result.code).toBe(2);
    expect(json<{ error: { message: string } }>(result).error.message).toBe('missing --name and --email: one tenant needs --name, --email and --tier');
  });

  test('aws target without settings exits 1', async () => {
    const result = await runCli(['--target', 'aws', '--aws-config', path.join(stateDir, 'missing.json'), 'tenants', 'list'], {
      ...env,
      // Nothing may reach AWS from a test, even if the settings check were skipped.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing.json does not exist. --target aws needs the names of the deployed control plane');
  });

  test('help exits 0 on every command', async () => {
    for (const args of [['--help'], ['tenants', 'onboard', '--help'], ['executions', 'show', '--help'], ['state', 'list', '--help'], ['sandbox', 'reset', '--help']]) {
      const result = await cli(...args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: tenantform');
    }
  });

  test('offboards a pooled tenant and keeps its record', async () => {
    const result = await cli('tenants', 'offboard', 'Acme Corp', '--json');

    expect(result.code).toBe(0);
    expect(json<TenantJson>(result).status).toBe('DELETED');
    const shown = await cli('tenants', 'show', pooled.tenantId, '--json');
    expect(json<TenantJson>(shown).status).toBe('DELETED');
    // Offboarding released the name, and the kept record is still found by it.
    const byName = await cli('tenants', 'show', 'acme corp', '--json');
    expect(byName.code).toBe(0);
    expect(json<TenantJson>(byName).tenantId).toBe(pooled.tenantId);
  });

  test('sandbox status reports the state directory', async () => {
    const result = await cli('sandbox', 'status', '--json');
    const status = json<{ stateDirectory: string; cognitoPort: number; executions: number }>(result);

    expect(status.stateDirectory).toBe(stateDir);
    expect(status.cognitoPort).toBeGreaterThan(0);
    expect(status.executions).toBeGreaterThanOrEqual(4);
  });

  test('sandbox reset deletes everything', async () => {
    const result = await cli('sandbox', 'reset');

    expect(result.code).toBe(0);
    expect(fs.existsSync(path.join(stateDir, 'sandbox.json'))).toBe(false);
    expect(await tenantCount()).toBe(0);
  });
});
