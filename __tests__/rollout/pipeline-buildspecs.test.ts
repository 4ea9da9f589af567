/**
 * Runs the build phases of the pipeline's buildspecs in bash, as CodeBuild runs them (one
 * shell, each command in turn, the build failing on the first failed command), with
 * stand-ins for npx, aws and terraform that log their calls.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

// yaml 2 is installed with asl-validator.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('yaml') as { parse: (text: string) => { phases: Record<string, { commands: string[] }> } };

const PIPELINE_JOBS = path.resolve(__dirname, '..', '..', 'jobs', 'pipeline');

const FAKE_NPX = `#!/usr/bin/env bash
echo "npx $*" >> "$FAKE_LOG"
if [[ "$*" == "cdktf synth" && "\${FAKE_SYNTH_FAILS:-}" != "1" ]]; then
  mkdir -p cdktf.out/stacks/tenant-template
  echo '{"resource":{}}' > cdktf.out/stacks/tenant-template/cdk.tf.json
fi
`;

const FAKE_AWS = `#!/usr/bin/env bash
echo "aws $*" >> "$FAKE_LOG"
if [[ "$1 $2" == "s3api head-object" ]]; then
  [[ "\${FAKE_PUBLISHED:-}" == "1" ]] && exit 0 || exit 254
fi
if [[ "$1 $2" == "s3 cp" ]]; then
  cp "$4" "$FAKE_UPLOADED"
fi
`;

const FAKE_TERRAFORM = `#!/usr/bin/env bash
echo "terraform $*" >> "$FAKE_LOG"
`;

let root: string;
let fakeBin: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-buildspecs-'));
  fakeBin = path.join(root, 'bin');
  fs.mkdirSync(fakeBin);
  fs.writeFileSync(path.join(fakeBin, 'npx'), FAKE_NPX, { mode: 0o755 });
  fs.writeFileSync(path.join(fakeBin, 'aws'), FAKE_AWS, { mode: 0o755 });
  fs.writeFileSync(path.join(fakeBin, 'terraform'), FAKE_TERRAFORM, { mode: 0o755 });
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

interface PhaseRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: string[];
  readonly workDir: string;
  readonly uploaded: string;
}

/** Runs one phase of `buildspec` in a fresh source folder holding a package.json. */
function runPhase(buildspec: string, phase: string, env: Record<string, string>, prepare?: (workDir: string) => void): PhaseRun {
  const workDir = fs.mkdtempSync(path.join(root, 'source-'));
  fs.writeFileSync(path.join(workDir, 'package.json'), JSON.stringify({ name: 'tenantform', version: '1.4.0' }));
  prepare?.(workDir);
  const log = path.join(workDir, 'calls.log');
  fs.writeFileSync(log, '');
  const uploaded = path.join(workDir, 'uploaded.zip');

  const commands = yaml.parse(fs.readFileSync(path.join(PIPELINE_JOBS, buildspec), 'utf8')).phases[phase].commands;
  const script = ['set -e', ...commands].join('\n');
  const result = spawnSync('bash', ['-c', script], {
    cwd: workDir,
    encoding: 'utf8',
    env: { PATH: `${fakeBin}:${process.env.PATH}`, HOME: workDir, FAKE_LOG: log, FAKE_UPLOADED: uploaded, ...env },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean),
    workDir,
    uploaded,
  };
}

const BUILD_ENV = {
  TEMPLATE_BUCKET: 'tenantform-tenant-templates-123456789012',
  TEMPLATE_PREFIX: 'tenant-template',
  TEMPLATE_VERSION_PARAMETER: '/tenantform/control-plane/tenant-template-version',
  CODEBUILD_RESOLVED_SOURCE_VERSION: '3f2a9c1d0b7e55aa9911',
};

describe('build.yml build phase', () => {
  test('publishes the template and sets the version', () => {
    const run = runPhase('build.yml', 'build', BUILD_ENV);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      'npx cdktf synth',
      'aws s3api head-object --bucket tenantform-tenant-templates-123456789012 --key tenant-template/1.4.0-3f2a9c1d0b7e.zip',
      `aws s3 cp --only-show-errors ${run.workDir}/tenant-template.zip s3://tenantform-tenant-templates-123456789012/tenant-template/1.4.0-3f2a9c1d0b7e.zip`,
      'aws ssm put-parameter --name /tenantform/control-plane/tenant-template-version --type String --value 1.4.0-3f2a9c1d0b7e --overwrite',
    ]);
    const listing = spawnSync('unzip', ['-l', run.uploaded], { encoding: 'utf8' });
    expect(listing.stdout).toContain('cdk.tf.json');
    expect(run.stdout).toContain('tenant-template version is now 1.4.0-3f2a9c1d0b7e');
  });

  test('keeps a version already published', () => {
    const run = runPhase('build.yml', 'build', { ...BUILD_ENV, FAKE_PUBLISHED: '1' });
    expect(run.status).toBe(0);
    expect(run.calls.some((call) => call.startsWith('aws s3 cp'))).toBe(false);
    expect(run.stdout).toContain('is already published; keeping it');
    expect(run.calls[run.calls.length - 1]).toContain('aws ssm put-parameter');
  });

  test('S3 version ids become letters and digits', () => {
    const run = runPhase('build.yml', 'build', { ...BUILD_ENV, CODEBUILD_RESOLVED_SOURCE_VERSION: 'a.B_c/D+e=F-gh1234' });
    expect(run.status).toBe(0);
    expect(run.calls).toContain(
      'aws ssm put-parameter --name /tenantform/control-plane/tenant-template-version --type String --value 1.4.0-aBcDeFgh1234 --overwrite',
    );
  });

  test('missing source revision fails the build', () => {
    const run = runPhase('build.yml', 'build', { ...BUILD_ENV, CODEBUILD_RESOLVED_SOURCE_VERSION: '' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('the build has no source revision');
    expect(run.calls.some((call) => call.startsWith('aws'))).toBe(false);
  });

  test('synth without tenant template fails', () => {
    const run = runPhase('build.yml', 'build', { ...BUILD_ENV, FAKE_SYNTH_FAILS: '1' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('cdktf synth wrote no tenant-template stack');
    expect(run.calls).toEqual(['npx cdktf synth']);
  });
});

describe('deploy.yml build phase', () => {
  const stackFolder = (stack: string) => (workDir: string) => {
    fs.mkdirSync(path.join(workDir, 'cdktf.out', 'stacks', stack), { recursive: true });
    fs.writeFileSync(path.join(workDir, 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), '{}');
  };
  const DEPLOY_ENV = { STATE_BUCKET: 'tenantform-tenant-state-123456789012', AWS_REGION: 'eu-west-1' };

  test.each(['control-plane', 'application-plane'])('applies %s with its own state key', (stack) => {
    const run = runPhase('deploy.yml', 'build', { ...DEPLOY_ENV, STACK: stack }, stackFolder(stack));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      `terraform -chdir=cdktf.out/stacks/${stack} init -input=false -no-color -backend-config=bucket=tenantform-tenant-state-123456789012 ` +
        `-backend-config=key=platform/${stack}.tfstate -backend-config=region=eu-west-1 -backend-config=encrypt=true -backend-config=use_lockfile=true`,
      `terraform -chdir=cdktf.out/stacks/${stack} apply -auto-approve -input=false -no-color`,
    ]);
    const override = JSON.parse(fs.readFileSync(path.join(run.workDir, 'cdktf.out', 'stacks', stack, 'backend_override.tf.json'), 'utf8'));
    expect(override).toEqual({ terraform: { backend: { s3: {} } } });
  });

  test.each(['tenant-template', '../control-plane', ''])('stack %j is rejected', (stack) => {
    const run = runPhase('deploy.yml', 'build', { ...DEPLOY_ENV, STACK: stack }, stackFolder('control-plane'));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`STACK "${stack}" is invalid`);
    expect(run.calls).toEqual([]);
  });

  test('missing stack folder fails', () => {
    const run = runPhase('deploy.yml', 'build', { ...DEPLOY_ENV, STACK: 'application-plane' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('the build artifact has no cdktf.out/stacks/application-plane/cdk.tf.json');
  });
});
