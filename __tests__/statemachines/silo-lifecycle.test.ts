import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../main';
import { buildPlatformConfig } from '../../config/platform-config';
import { LocalCodeBuildOptions } from '../../local/codebuild/local-codebuild';
import { ExecutionRecord } from '../../local/stepfunctions/execution-record';
import { busEvent, newTenantId, putTenant, readTenant, PREFIX } from '../lambdas/control-plane/lifecycle/support/lifecycle-engines';
import { LifecycleHarness, startLifecycleHarness } from './support/lifecycle-harness';

let harness: LifecycleHarness;
let workDir: string;
let codeBuild: LocalCodeBuildOptions;

beforeAll(async () => {
  harness = await startLifecycleHarness();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'silo-lifecycle-'));
  // The tenant template is synthesised as the platform would publish it; TENANTFORM_OFFLINE_PLAN=1
  // (set for every test) gives its provider dummy credentials, so terraform plan runs offline.
  buildApp(buildPlatformConfig({ prefix: PREFIX }), path.join(workDir, 'synth')).synth();
  codeBuild = {
    workDir: path.join(workDir, 'codebuild'),
    templateDir: path.join(workDir, 'synth', 'stacks', 'tenant-template'),
    stateRoot: path.join(workDir, 'state'),
  };
});

afterAll(async () => {
  await harness.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

function onboardingEvent(tenantId: string) {
  return busEvent('sbt_aws_onboardingRequest', {
    tenantId,
    tenantRegistrationId: `reg-${tenantId}`,
    tenantName: `Tenant "${tenantId}" $(echo quoted)`,
    email: `admin-${tenantId}@example.com`,
    tier: 'PLATINUM',
  });
}

function stateOf(record: ExecutionRecord, name: string) {
  return record.states.find((state) => state.name === name);
}

/** A copy of the template with a variable whose default does not match its type. */
function brokenTemplate(): string {
  const folder = path.join(workDir, `broken-template-${Math.random().toString(36).slice(2)}`);
  fs.cpSync(codeBuild.templateDir, folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'broken.tf.json'), JSON.stringify({ variable: { broken: { type: 'number', default: 'not-a-number' } } }));
  return folder;
}

describe('onboarding state machine, silo tier', () => {
  it('plans the tenant stack and reports success', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'PLATINUM', model: 'silo', status: 'PENDING' });

    const record = await harness.machine('onboarding', { bindings: { codeBuild } }).run(onboardingEvent(tenantId));
    await harness.settle();

    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.map((state) => state.name)).toEqual([
      'Validate event',
      'Start provisioning',
      'Is duplicate delivery',
      'Choose tenancy model',
      'Read template version',
      'Run provisioning job',
      'Collect job outputs',
      'Create tenant admin',
      'Emit provision success',
    ]);
    const build = (stateOf(record, 'Run provisioning job')?.output as { job: { Build: { BuildStatus: string; Environment: { EnvironmentVariables: { Name: string; Value: string }[] }; Logs: { DeepLink: string } } } }).job.Build;
    expect(build.BuildStatus).toBe('SUCCEEDED');
    expect(build.Environment.EnvironmentVariables).toEqual(
      expect.arrayContaining([
        { Name: 'TENANT_ID', Value: tenantId, Type: 'PLAINTEXT' },
        { Name: 'TEMPLATE_VERSION', Value: 'v1', Type: 'PLAINTEXT' },
        { Name: 'JOB_ACTION', Value: 'provision', Type: 'PLAINTEXT' },
      ]),
    );
    const log = fs.readFileSync(build.Logs.DeepLink.replace('file://', ''), 'utf8');
    expect(log).toMatch(/Terraform will perform the following actions|No changes\. Your infrastructure matches the configuration/);
    expect(log).toMatch(/the plan was not applied: local mode stops at terraform plan/);

    const [success] = harness.eventsOf('sbt_aws_provisionSuccess', tenantId);
    expect(success.detail.jobOutput).toMatchObject({ templateVersion: 'v1', planned: true });
    expect(stateOf(record, 'Create tenant admin')?.output).toMatchObject({ admin: { created: false, skipped: expect.stringContaining('planned') } });

    const tenant = await readTenant(harness.engines, tenantId);
    expect(tenant?.status).toBe('ACTIVE');
    expect(tenant?.outputs).toMatchObject({ planned: true });
  });

  it('reports the Terraform error of a failed job', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'PLATINUM', model: 'silo', status: 'PENDING' });

    const machine = harness.machine('onboarding', { bindings: { codeBuild: { ...codeBuild, templateDir: brokenTemplate() } } });
    const record = await machine.run(onboardingEvent(tenantId));
    await harness.settle();

    expect(record.status).toBe('FAILED');
    expect(stateOf(record, 'Run provisioning job')).toMatchObject({ status: 'CAUGHT', error: 'States.TaskFailed', retries: 0 });
    const [failure] = harness.eventsOf('sbt_aws_provisionFailure', tenantId);
    expect(failure.detail.reason).toMatch(/ended with status FAILED/);
    expect(failure.detail.reason).toMatch(/Error: Invalid default value for variable/);
    expect(failure.detail.reason).toMatch(/a\s+number is required/);

    const tenant = await readTenant(harness.engines, tenantId);
    expect(tenant?.status).toBe('PROVISION_FAILED');
    expect(tenant?.statusReason).toMatch(/Invalid default value for variable/);
  });

  it('reports a job that times out', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'PLATINUM', model: 'silo', status: 'PENDING' });
    const machine = harness.machine('onboarding', {
      bindings: { startBuildSync: () => new Promise((resolve) => setTimeout(resolve, 4000).unref()) },
      taskTimeoutSeconds: { 'Run provisioning job': 1 },
    });

    const record = await machine.run(onboardingEvent(tenantId));
    await harness.settle();

    expect(record.status).toBe('FAILED');
    expect(stateOf(record, 'Run provisioning job')).toMatchObject({ status: 'CAUGHT', error: 'States.Timeout' });
    const [failure] = harness.eventsOf('sbt_aws_provisionFailure', tenantId);
    expect(failure.detail.reason).toMatch(/^States\.Timeout: the task did not finish within its TimeoutSeconds/);
    expect((await readTenant(harness.engines, tenantId))?.status).toBe('PROVISION_FAILED');
  });
});

describe('offboarding state machine, silo tier', () => {
  it('plans the destroy and reports success', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'PLATINUM', model: 'silo', status: 'DEPROVISIONING', templateVersion: 'v1', outputs: { planned: true } });

    const record = await harness.machine('offboarding', { bindings: { codeBuild } }).run(busEvent('sbt_aws_offboardingRequest', { tenantId }));
    await harness.settle();

    expect(record.status).toBe('SUCCEEDED');
    expect(record.states.map((state) => state.name)).toEqual([
      'Validate event',
      'Claim offboarding',
      'Is duplicate delivery',
      'Choose tenancy model',
      'Has deployed template version',
      'Use deployed template version',
      'Run deprovisioning job',
      'Emit deprovision success',
    ]);
    const build = (stateOf(record, 'Run deprovisioning job')?.output as { job: { Build: { Environment: { EnvironmentVariables: { Name: string; Value: string }[] }; Logs: { DeepLink: string } } } }).job.Build;
    expect(build.Environment.EnvironmentVariables).toEqual(expect.arrayContaining([{ Name: 'JOB_ACTION', Value: 'deprovision', Type: 'PLAINTEXT' }]));
    expect(fs.readFileSync(build.Logs.DeepLink.replace('file://', ''), 'utf8')).toMatch(/the destroy plan was not applied/);

    expect(harness.eventsOf('sbt_aws_deprovisionSuccess', tenantId)).toHaveLength(1);
    expect((await readTenant(harness.engines, tenantId))?.status).toBe('DELETED');
  });

  it('reads the current template version when none is stored', async () => {
    const tenantId = newTenantId();
    await putTenant(harness.engines, tenantId, { tier: 'PLATINUM', model: 'silo', status: 'DEPROVISIONING' });
    const started: unknown[] = [];
    const machine = harness.machine('offboarding', {
      bindings: {
        startBuildSync: async (parameters) => {
          started.push(parameters);
          return { Id: 'b', BuildStatus: 'SUCCEEDED', ExportedEnvironmentVariables: [] };
        },
      },
    });

    const record = await machine.run(busEvent('sbt_aws_offboardingRequest', { tenantId }));
    expect(record.status).toBe('SUCCEEDED');
    expect(stateOf(record, 'Read template version')?.status).toBe('SUCCEEDED');
    expect(started).toEqual([
      {
        ProjectName: `${PREFIX}-provisioning`,
        EnvironmentVariablesOverride: [
          { Name: 'TENANT_ID', Type: 'PLAINTEXT', Value: tenantId },
          { Name: 'TENANT_NAME', Type: 'PLAINTEXT', Value: `Tenant ${tenantId}` },
          { Name: 'TIER', Type: 'PLAINTEXT', Value: 'PLATINUM' },
          { Name: 'ADMIN_EMAIL', Type: 'PLAINTEXT', Value: `admin-${tenantId}@example.com` },
          { Name: 'TEMPLATE_VERSION', Type: 'PLAINTEXT', Value: 'v1' },
          { Name: 'JOB_ACTION', Type: 'PLAINTEXT', Value: 'deprovision' },
        ],
      },
    ]);
  });
});
