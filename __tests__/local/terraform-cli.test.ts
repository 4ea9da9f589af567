/**
 * The offline Terraform environment: several `terraform init` runs that share one plugin
 * cache, as the offline plans, parallel silo jobs and rollouts do, must all install the
 * provider from the mirror without writing to the cache.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AWS_PROVIDER_VERSION } from '../../constructs/shared/aws-provider';
import { prepareTerraformEnvironment, runTerraform } from '../../local/terraform-cli';

jest.setTimeout(120_000);

const CONCURRENT_INITS = 6;
const MAIN_TF = JSON.stringify({
  terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } } },
});

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-terraform-cli-'));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function workingDirectory(name: string): string {
  const directory = path.join(root, name);
  fs.mkdirSync(directory);
  fs.writeFileSync(path.join(directory, 'main.tf.json'), MAIN_TF);
  return directory;
}

describe('prepareTerraformEnvironment', () => {
  it(`runs ${CONCURRENT_INITS} concurrent first inits`, async () => {
    const terraform = prepareTerraformEnvironment(path.join(root, 'environment'));
    const directories = Array.from({ length: CONCURRENT_INITS }, (_, index) => workingDirectory(`stack-${index}`));

    const results = await Promise.all(directories.map((directory) => runTerraform(terraform, ['init', '-input=false', '-no-color'], directory)));

    results.forEach((result, index) => {
      expect({ stack: index, exitCode: result.exitCode, stderr: result.stderr }).toEqual({ stack: index, exitCode: 0, stderr: '' });
    });
    for (const directory of directories) {
      const lock = fs.readFileSync(path.join(directory, '.terraform.lock.hcl'), 'utf8');
      expect(lock).toContain(`version     = "${AWS_PROVIDER_VERSION}"`);
      expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]+"/);
    }
  });

  it('keeps cache entries as links', async () => {
    const terraform = prepareTerraformEnvironment(path.join(root, 'environment'));
    const result = await runTerraform(terraform, ['init', '-input=false', '-no-color'], workingDirectory('stack'));
    expect(result.exitCode).toBe(0);

    const cached = path.join(root, 'environment', 'plugin-cache', 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION);
    for (const platform of fs.readdirSync(cached)) {
      const entry = path.join(cached, platform);
      expect(fs.lstatSync(entry).isSymbolicLink()).toBe(true);
      expect(fs.realpathSync(entry)).toBe(fs.realpathSync(path.join(terraform.mirror, 'registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION, platform)));
    }
  });

  it('prepares one folder twice', () => {
    const folder = path.join(root, 'environment');
    const first = prepareTerraformEnvironment(folder);
    const second = prepareTerraformEnvironment(folder);
    expect(second.cliConfigFile).toBe(first.cliConfigFile);
    expect(fs.readFileSync(second.cliConfigFile, 'utf8')).toContain('plugin_cache_may_break_dependency_lock_file = true');
  });
});
