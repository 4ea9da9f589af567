import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalBuildFailedError, parseExportFile, tailLines } from '../../../local/codebuild/build-record';
import { LocalCodeBuildOptions, runLocalBuild, StartBuildParameters } from '../../../local/codebuild/local-codebuild';

let root: string;
let templateDir: string;
let options: LocalCodeBuildOptions;

/** A template with one variable-driven resource and outputs, planned with the real Terraform. */
const TEMPLATE = {
  variable: { tenant_id: { type: 'string' }, tenant_name: { type: 'string' }, tier: { type: 'string' } },
  resource: { terraform_data: { tenant: { input: '${var.tenant_name}' } } },
  output: {
    api_url: { value: 'https://api.example/${var.tenant_id}' },
    user_pool_id: { value: '${terraform_data.tenant.id}' },
    user_pool_client_id: { value: 'hidden', sensitive: true },
  },
};

function startBuild(overrides: Record<string, string> = {}): StartBuildParameters {
  const variables = { TENANT_ID: 'abcd1234', TENANT_NAME: 'Acme "Inc"', TIER: 'PLATINUM', ADMIN_EMAIL: 'a@example.com', TEMPLATE_VERSION: 'v1', JOB_ACTION: 'provision', ...overrides };
  return {
    ProjectName: 'tf-provisioning',
    EnvironmentVariablesOverride: Object.entries(variables).map(([Name, Value]) => ({ Name, Value, Type: 'PLAINTEXT' })),
  };
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'local-codebuild-'));
  templateDir = path.join(root, 'template');
  fs.mkdirSync(templateDir);
  fs.writeFileSync(path.join(templateDir, 'main.tf.json'), JSON.stringify(TEMPLATE));
  options = { workDir: path.join(root, 'work'), templateDir, stateRoot: path.join(root, 'state') };
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('runLocalBuild', () => {
  it('returns the Build of a planned job', async () => {
    const build = await runLocalBuild(startBuild(), options);

    expect(build).toMatchObject({ ProjectName: 'tf-provisioning', BuildStatus: 'SUCCEEDED', BuildComplete: true, CurrentPhase: 'COMPLETED' });
    expect(build.Id).toMatch(/^tf-provisioning:[0-9a-f-]{36}$/);
    expect(build.Arn).toBe(`arn:aws:codebuild:us-east-1:000000000000:build/${build.Id}`);
    expect(build.ExportedEnvironmentVariables).toEqual([
      { Name: 'TENANT_API_URL', Value: 'https://api.example/abcd1234' },
      { Name: 'TENANT_USER_POOL_ID', Value: '(known after apply)' },
      { Name: 'TENANT_TEMPLATE_VERSION', Value: 'v1' },
      { Name: 'TENANT_PLANNED', Value: 'true' },
    ]);
    expect(build.Phases.map((phase) => [phase.PhaseType, phase.PhaseStatus])).toEqual([
      ['SUBMITTED', 'SUCCEEDED'],
      ['BUILD', 'SUCCEEDED'],
      ['COMPLETED', undefined],
    ]);

    const log = fs.readFileSync(build.Logs.DeepLink.replace('file://', ''), 'utf8');
    expect(log).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
    expect(log).toContain('the plan was not applied');
    // Local mode plans only, so no state is written.
    expect(fs.existsSync(path.join(options.stateRoot, 'tenants', 'abcd1234', 'terraform.tfstate'))).toBe(false);
  });

  it('fails with the Terraform error text', async () => {
    const broken = path.join(root, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'main.tf.json'), JSON.stringify({ ...TEMPLATE, variable: { ...TEMPLATE.variable, tier: { type: 'number' } } }));

    const error = await runLocalBuild(startBuild(), { ...options, templateDir: broken }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LocalBuildFailedError);
    const failure = error as LocalBuildFailedError;
    expect(failure.build.BuildStatus).toBe('FAILED');
    expect(failure.build.ExportedEnvironmentVariables).toEqual([]);
    expect(failure.errorText).toMatch(/Invalid value for input variable/);
    const buildPhase = failure.build.Phases.find((phase) => phase.PhaseType === 'BUILD');
    expect(buildPhase?.Contexts?.[0].StatusCode).toBe('COMMAND_EXECUTION_ERROR');
    expect(buildPhase?.Contexts?.[0].Message).toMatch(/^Error while executing command: bash provision-tenant\.sh\. Reason: exit status 1\n/);
  });

  it('fails for an invalid tenant id', async () => {
    const error = (await runLocalBuild(startBuild({ TENANT_ID: 'Bad Id' }), options).catch((caught: unknown) => caught)) as LocalBuildFailedError;
    expect(error.errorText).toBe('provision-tenant: TENANT_ID "Bad Id" is invalid: it must be 4 to 20 lowercase letters or digits');
  });

  it('stops a build that runs past its timeout', async () => {
    const script = path.join(root, 'slow.sh');
    fs.writeFileSync(script, 'echo starting >&2\nsleep 30\n');
    const started = Date.now();
    const error = (await runLocalBuild({ ...startBuild(), TimeoutInMinutesOverride: 0.02 }, { ...options, scriptPath: script }).catch((caught: unknown) => caught)) as LocalBuildFailedError;

    expect(error.build.BuildStatus).toBe('TIMED_OUT');
    expect(error.build.Phases[1].Contexts?.[0].StatusCode).toBe('BUILD_TIMED_OUT');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('stops a build when aborted', async () => {
    const script = path.join(root, 'slow-abort.sh');
    fs.writeFileSync(script, 'sleep 30\n');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const error = (await runLocalBuild(startBuild(), { ...options, scriptPath: script, signal: controller.signal }).catch((caught: unknown) => caught)) as LocalBuildFailedError;
    expect(error.build.BuildStatus).toBe('STOPPED');
  });

  it('passes no secrets of the caller to the job', async () => {
    const script = path.join(root, 'print-env.sh');
    fs.writeFileSync(script, 'env | sort > "$EXPORT_FILE.env"\n: > "$EXPORT_FILE"\n');
    const build = await runLocalBuild(startBuild(), { ...options, scriptPath: script, baseEnv: { ...process.env, AWS_SECRET_ACCESS_KEY: 'caller-secret', GITHUB_TOKEN: 'x' } });
    const environment = fs.readFileSync(path.join(path.dirname(build.Logs.DeepLink.replace('file://', '')), 'exports.env.env'), 'utf8');
    expect(environment).not.toContain('caller-secret');
    expect(environment).not.toContain('GITHUB_TOKEN');
    expect(environment).toContain('JOB_MODE=local');
    expect(environment).toContain('TENANT_NAME=Acme "Inc"');
    expect(environment).toMatch(/^TF_CLI_CONFIG_FILE=/m);
  });

  it.each([
    [{ Name: 'JOB_MODE', Value: 'remote' }, 'JOB_MODE is set by the local runner'],
    [{ Name: 'SECRET', Value: 'x', Type: 'SECRETS_MANAGER' }, 'Type SECRETS_MANAGER is not supported locally'],
    [{ Name: '1BAD', Value: 'x' }, 'Name "1BAD" is not a variable name'],
    [{ Name: 'COUNT', Value: 3 as unknown as string }, 'Value of COUNT must be a string, got 3'],
  ])('rejects the override %j', async (variable, message) => {
    await expect(runLocalBuild({ ProjectName: 'p', EnvironmentVariablesOverride: [variable] }, options)).rejects.toThrow(message);
  });
});

describe('build record helpers', () => {
  it('parses export lines', () => {
    expect(parseExportFile('A=1\nB=x=y\n\nbad line\n2C=no\nD=\n')).toEqual([
      { Name: 'A', Value: '1' },
      { Name: 'B', Value: 'x=y' },
      { Name: 'D', Value: '' },
    ]);
  });

  it('keeps the last lines', () => {
    expect(tailLines('a\n\nb\nc\n', 2)).toBe('b\nc');
    expect(tailLines('x'.repeat(50), 5, 10)).toBe('x'.repeat(10));
  });
});
