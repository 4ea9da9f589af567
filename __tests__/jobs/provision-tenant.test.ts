import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

const SCRIPT = path.resolve(__dirname, '..', '..', 'jobs', 'provision-tenant.sh');
const BUILDSPEC = path.resolve(__dirname, '..', '..', 'jobs', 'buildspec.yml');

/**
 * Stand-ins for terraform and aws that log each call and capture the files the job writes,
 * so a test shows what the job would run without Terraform or AWS.
 */
const FAKE_TERRAFORM = `#!/usr/bin/env bash
set -euo pipefail
echo "terraform $*" >> "$FAKE_LOG"
dir=.
for arg in "$@"; do
  case "$arg" in -chdir=*) dir="\${arg#-chdir=}" ;; esac
done
case " $* " in
  *" init "*)
    cp "$dir/tenant.auto.tfvars.json" "$FAKE_CAPTURE/tfvars.json"
    cp "$dir/backend_override.tf.json" "$FAKE_CAPTURE/backend.json" ;;
  *" output -json "*) cat "$FAKE_OUTPUTS" ;;
  *" show -json "*) cat "$FAKE_PLAN" ;;
esac
`;

const FAKE_AWS = `#!/usr/bin/env bash
set -euo pipefail
echo "aws $*" >> "$FAKE_LOG"
if [[ "$1 $2" == "s3 cp" ]]; then
  for last in "$@"; do :; done
  cp "$FAKE_TEMPLATE_ZIP" "$last"
fi
`;

let root: string;
let fakeBin: string;
let templateDir: string;
let templateZip: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'provision-job-'));
  fakeBin = path.join(root, 'bin');
  fs.mkdirSync(fakeBin);
  fs.writeFileSync(path.join(fakeBin, 'terraform'), FAKE_TERRAFORM, { mode: 0o755 });
  fs.writeFileSync(path.join(fakeBin, 'aws'), FAKE_AWS, { mode: 0o755 });

  templateDir = path.join(root, 'template');
  fs.mkdirSync(templateDir);
  fs.writeFileSync(path.join(templateDir, 'cdk.tf.json'), JSON.stringify({ terraform: {} }));
  templateZip = path.join(root, 'template.zip');
  const zipped = spawnSync('zip', ['-q', '-r', templateZip, '.'], { cwd: templateDir });
  expect(zipped.status).toBe(0);
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

interface JobRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Commands the fake terraform and aws received, one per line. */
  readonly calls: string[];
  readonly capture: string;
  readonly exportFile: string;
}

const BASE_ENV = {
  TENANT_ID: 'abcd1234',
  JOB_ACTION: 'provision',
  TIER: 'PLATINUM',
  TENANT_NAME: 'Acme',
  ADMIN_EMAIL: 'admin@acme.example',
  TEMPLATE_VERSION: 'v1',
};

function runJob(env: Record<string, string | undefined>, outputs: unknown = {}, plan: unknown = { output_changes: {} }, command?: string): JobRun {
  const runDir = fs.mkdtempSync(path.join(root, 'run-'));
  const capture = path.join(runDir, 'capture');
  fs.mkdirSync(capture);
  const log = path.join(runDir, 'calls.log');
  fs.writeFileSync(log, '');
  fs.writeFileSync(path.join(runDir, 'outputs.json'), JSON.stringify(outputs));
  fs.writeFileSync(path.join(runDir, 'plan.json'), JSON.stringify(plan));
  const exportFile = path.join(runDir, 'exports.env');

  const merged: Record<string, string> = {
    PATH: `${fakeBin}:${process.env.PATH}`,
    HOME: runDir,
    FAKE_LOG: log,
    FAKE_CAPTURE: capture,
    FAKE_OUTPUTS: path.join(runDir, 'outputs.json'),
    FAKE_PLAN: path.join(runDir, 'plan.json'),
    FAKE_TEMPLATE_ZIP: templateZip,
    JOB_WORK_ROOT: runDir,
    EXPORT_FILE: exportFile,
  };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) {
      merged[name] = value;
    }
  }
  const result = spawnSync('bash', command ? ['-c', command] : [SCRIPT], { env: merged, encoding: 'utf8' });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean),
    capture,
    exportFile,
  };
}

const LOCAL = { ...BASE_ENV, JOB_MODE: 'local', TEMPLATE_DIR: '', STATE_ROOT: '' };
const localEnv = (overrides: Record<string, string | undefined> = {}) => ({ ...LOCAL, TEMPLATE_DIR: templateDir, STATE_ROOT: path.join(root, 'state'), ...overrides });
const REMOTE = { ...BASE_ENV, TEMPLATE_BUCKET: 'templates-bucket', TEMPLATE_PREFIX: 'tenant-template', STATE_BUCKET: 'state-bucket', AWS_REGION: 'eu-west-1' };

describe('provision-tenant.sh input checks', () => {
  it.each(['ABCD1234', 'abc', 'a'.repeat(21), 'abcd-1234', 'abcd1234; rm -rf /', '$(id)', ''])('rejects TENANT_ID %j before Terraform', (tenantId) => {
    const run = runJob(localEnv({ TENANT_ID: tenantId }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`TENANT_ID "${tenantId}" is invalid: it must be 4 to 20 lowercase letters or digits`);
    expect(run.calls).toEqual([]);
  });

  it.each(['apply', 'destroy', 'provision ', ''])('rejects JOB_ACTION %j before Terraform', (action) => {
    const run = runJob(localEnv({ JOB_ACTION: action }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`JOB_ACTION "${action}" is invalid: it must be provision, update or deprovision`);
    expect(run.calls).toEqual([]);
  });

  it.each([
    ['TIER', 'platinum', 'TIER "platinum" is invalid'],
    ['TEMPLATE_VERSION', '../v1', 'TEMPLATE_VERSION "../v1" is invalid'],
    ['JOB_MODE', 'cloud', 'JOB_MODE "cloud" is invalid: it must be remote or local'],
    ['TENANT_NAME', '', 'environment variable TENANT_NAME is not set'],
  ])('rejects %s %j', (name, value, message) => {
    const run = runJob(localEnv({ [name]: value }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.calls).toEqual([]);
  });

  it('requires the state bucket in remote mode', () => {
    const run = runJob({ ...REMOTE, STATE_BUCKET: undefined });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('environment variable STATE_BUCKET is not set');
    expect(run.calls).toEqual([]);
  });

  it('rejects a missing template folder', () => {
    const run = runJob(localEnv({ TEMPLATE_DIR: path.join(root, 'missing') }));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/TEMPLATE_DIR ".*missing" is not a folder/);
  });
});

describe('provision-tenant.sh variables file', () => {
  it('keeps hostile values intact', () => {
    const marker = path.join(root, 'injected');
    const tenantName = `Acme "quoted" $(touch ${marker}) \`touch ${marker}\` ; echo done\nsecond line 'single' \\ back`;
    const email = `a"b$(touch ${marker})@example.com`;
    const run = runJob(localEnv({ TENANT_NAME: tenantName, ADMIN_EMAIL: email }));

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const tfvars = JSON.parse(fs.readFileSync(path.join(run.capture, 'tfvars.json'), 'utf8'));
    expect(tfvars).toEqual({ tenant_id: 'abcd1234', tenant_name: tenantName, tier: 'PLATINUM', admin_email: email, template_version: 'v1' });
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('provision-tenant.sh local mode', () => {
  const plan = {
    output_changes: {
      api_url: { actions: ['create'], after: 'https://api.example/abcd1234', after_unknown: false },
      user_pool_id: { actions: ['create'], after_unknown: true },
      user_pool_client_id: { actions: ['create'], after: 'secret-client', after_unknown: false, after_sensitive: true },
      unrelated_output: { actions: ['create'], after: 'x', after_unknown: false },
      template_version: { actions: ['create'], after: 'unversioned', after_unknown: false },
    },
  };

  it('stops at plan and says so', () => {
    const stateRoot = path.join(root, 'local-state');
    const run = runJob(localEnv({ STATE_ROOT: stateRoot }), {}, plan);

    expect(run.status).toBe(0);
    expect(run.calls.map((call) => call.split(' ')[2])).toEqual(['init', 'plan', 'show']);
    expect(run.calls[1]).toContain('-out=tenant.tfplan');
    expect(run.calls.some((call) => / (apply|destroy)( |$)/.test(call))).toBe(false);
    expect(run.stdout).toContain('the plan was not applied: local mode stops at terraform plan, so tenant abcd1234 has no deployed resources');

    expect(JSON.parse(fs.readFileSync(path.join(run.capture, 'backend.json'), 'utf8'))).toEqual({
      terraform: { backend: { local: { path: path.join(stateRoot, 'tenants', 'abcd1234', 'terraform.tfstate') } } },
    });
    expect(fs.readFileSync(run.exportFile, 'utf8').split('\n').filter(Boolean)).toEqual([
      'TENANT_API_URL=https://api.example/abcd1234',
      'TENANT_USER_POOL_ID=(known after apply)',
      'TENANT_TEMPLATE_VERSION=v1',
      'TENANT_PLANNED=true',
    ]);
  });

  it('plans a destroy for deprovision', () => {
    const run = runJob(localEnv({ JOB_ACTION: 'deprovision' }));
    expect(run.status).toBe(0);
    expect(run.calls[1]).toMatch(/ plan -destroy /);
    expect(run.stdout).toContain('the destroy plan was not applied');
    expect(fs.readFileSync(run.exportFile, 'utf8')).toBe('TENANT_PLANNED=true\n');
  });

  it('leaves the template folder unchanged', () => {
    const before = fs.readdirSync(templateDir).sort();
    runJob(localEnv());
    expect(fs.readdirSync(templateDir).sort()).toEqual(before);
  });
});

describe('provision-tenant.sh remote mode', () => {
  const outputs = {
    api_url: { sensitive: false, type: 'string', value: 'https://api.example/prod' },
    user_pool_id: { sensitive: false, type: 'string', value: 'eu-west-1_abc' },
    user_pool_client_id: { sensitive: true, type: 'string', value: 'hidden' },
    products_table_name: { sensitive: false, type: 'string', value: 'tf-abcd1234-products' },
    extra: { sensitive: false, type: 'string', value: 'not exported' },
    // The job exports the version it fetched, not what the template reports about itself.
    template_version: { sensitive: false, type: 'string', value: 'unversioned' },
  };

  it('applies with the tenant state key and exports outputs', () => {
    const run = runJob(REMOTE, outputs);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.calls[0]).toBe('aws s3 cp --only-show-errors s3://templates-bucket/tenant-template/v1.zip ' + run.calls[0].split(' ').pop());
    const init = run.calls.find((call) => call.includes(' init '))!;
    expect(init).toContain('-backend-config=bucket=state-bucket');
    expect(init).toContain('-backend-config=key=tenants/abcd1234/terraform.tfstate');
    expect(init).toContain('-backend-config=region=eu-west-1');
    expect(init).toContain('-backend-config=use_lockfile=true');
    expect(run.calls.some((call) => / apply -auto-approve /.test(call))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(run.capture, 'backend.json'), 'utf8'))).toEqual({ terraform: { backend: { s3: {} } } });
    expect(fs.readFileSync(run.exportFile, 'utf8').split('\n').filter(Boolean)).toEqual([
      'TENANT_API_URL=https://api.example/prod',
      'TENANT_USER_POOL_ID=eu-west-1_abc',
      'TENANT_PRODUCTS_TABLE_NAME=tf-abcd1234-products',
      'TENANT_TEMPLATE_VERSION=v1',
      'TENANT_PLANNED=false',
    ]);
  });

  it('applies the new version for update', () => {
    const run = runJob({ ...REMOTE, JOB_ACTION: 'update', TEMPLATE_VERSION: 'v2' }, outputs);
    expect(run.status).toBe(0);
    expect(run.calls[0]).toContain('s3://templates-bucket/tenant-template/v2.zip');
    expect(run.calls.some((call) => / apply -auto-approve /.test(call))).toBe(true);
    expect(fs.readFileSync(run.exportFile, 'utf8')).toContain('TENANT_TEMPLATE_VERSION=v2');
  });

  it('lifts deletion protection, then destroys', () => {
    const run = runJob({ ...REMOTE, JOB_ACTION: 'deprovision' });
    const apply = run.calls.findIndex((call) => / apply -auto-approve .*-var=deletion_protection=false/.test(call));
    const destroy = run.calls.findIndex((call) => / destroy -auto-approve .*-var=deletion_protection=false/.test(call));

    expect(run.status).toBe(0);
    expect(apply).toBeGreaterThan(-1);
    expect(destroy).toBeGreaterThan(apply);
  });

  it('exports into the shell that sources it', () => {
    const run = runJob(
      { ...REMOTE, EXPORT_FILE: undefined },
      outputs,
      undefined,
      `source ${JSON.stringify(SCRIPT)} > /dev/null; echo "status=$?"; echo "url=$TENANT_API_URL"; echo "planned=$TENANT_PLANNED"; set -o | grep -E '^(errexit|nounset)'`,
    );
    expect(run.stdout).toContain('status=0');
    expect(run.stdout).toContain('url=https://api.example/prod');
    expect(run.stdout).toContain('planned=false');
    expect(run.stdout).toMatch(/errexit\s+off/);
    expect(run.stdout).toMatch(/nounset\s+off/);
  });

  it('returns the failure to the sourcing shell', () => {
    const run = runJob({ ...REMOTE, TENANT_ID: 'BAD' }, {}, undefined, `source ${JSON.stringify(SCRIPT)}; echo "status=$?"`);
    expect(run.stdout).toContain('status=1');
    expect(run.stderr).toContain('TENANT_ID "BAD" is invalid');
  });
});

describe('buildspec.yml', () => {
  it('declares every variable the job exports', () => {
    const buildspec = fs.readFileSync(BUILDSPEC, 'utf8');
    const declared = [...buildspec.matchAll(/^\s+- (TENANT_[A-Z_]+)$/gm)].map((match) => match[1]);
    const script = fs.readFileSync(SCRIPT, 'utf8');
    const exported = JSON.parse(/EXPORTED_VARIABLES='(\[[^']+\])'/.exec(script)![1]) as string[];
    expect(declared).toEqual(exported);
  });

  it('sources the job script', () => {
    expect(fs.readFileSync(BUILDSPEC, 'utf8')).toMatch(/^\s+- source \.\/provision-tenant\.sh$/m);
  });
});
