/**
 * Runs the Terraform CLI offline: providers come from a local filesystem mirror through a
 * CLI configuration file written here, never from a registry. Tests, the local sandbox and
 * the local provisioning job all use it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { AWS_PROVIDER_VERSION } from '../constructs/shared/aws-provider';

export const PROVIDER_MIRROR_ENV = 'TENANTFORM_PROVIDER_MIRROR';
export const TERRAFORM_BIN_ENV = 'TENANTFORM_TERRAFORM_BIN';

/** Mirror folders tried when TENANTFORM_PROVIDER_MIRROR is not set. */
const MIRROR_CANDIDATES = ['/opt/tf-plugins', '/usr/share/terraform/plugins', path.join(process.env.HOME ?? '/root', '.terraform.d', 'plugins')];

const AWS_PROVIDER_PATH = path.join('registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION);

export class TerraformUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerraformUnavailableError';
  }
}

export interface TerraformEnvironment {
  /** Path of the terraform executable. */
  readonly binary: string;
  /** Folder in filesystem-mirror layout that holds hashicorp/aws at the pinned version. */
  readonly mirror: string;
  /** CLI configuration file that points Terraform at the mirror. */
  readonly cliConfigFile: string;
  /** Environment variables for every Terraform command. */
  readonly env: NodeJS.ProcessEnv;
}

/** Returns the terraform executable, or throws an error that says how to install it. */
export function findTerraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[TERRAFORM_BIN_ENV];
  if (configured) {
    if (!fs.existsSync(configured)) {
      throw new TerraformUnavailableError(`${TERRAFORM_BIN_ENV} is "${configured}", but no file exists there`);
    }
    return configured;
  }
  for (const folder of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(folder, 'terraform');
    if (folder && fs.existsSync(candidate)) {
      return candidate;
    }
  }
  throw new TerraformUnavailableError(
    'terraform was not found on PATH. Install Terraform 1.10 or later (https://developer.hashicorp.com/terraform/install) ' +
      `or set ${TERRAFORM_BIN_ENV} to its path`,
  );
}

/** Returns the provider mirror folder, or throws an error that says what it must contain. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[PROVIDER_MIRROR_ENV];
  const candidates = configured ? [configured] : MIRROR_CANDIDATES;
  for (const candidate of candidates) {
    if (fs.existsSync(path.join(candidate, AWS_PROVIDER_PATH))) {
      return candidate;
    }
  }
  const where = configured ? `${PROVIDER_MIRROR_ENV}="${configured}"` : `any of ${MIRROR_CANDIDATES.join(', ')}`;
  throw new TerraformUnavailableError(
    `no filesystem mirror of hashicorp/aws ${AWS_PROVIDER_VERSION} was found in ${where}. ` +
      `Create one with "terraform providers mirror DIR" on a machine with registry access, ` +
      `and set ${PROVIDER_MIRROR_ENV}=DIR`,
  );
}

/**
 * Writes a CLI configuration under `workDir` that installs hashicorp/aws only from the
 * mirror, with a plugin cache so each working directory links to the provider instead of
 * copying its 700 MB binary.
 *
 * The cache is filled here, before any init runs, and the setting
 * `plugin_cache_may_break_dependency_lock_file` makes `terraform init` use a cached provider
 * even when the working directory has no lock file yet. Without it, Terraform reinstalls the
 * provider into the cache on every first init, and inits that run at the same time fail with
 * "failed to create directory" or "still not detected in the plugin cache". The lock file
 * records only the `h1:` hash of the package, the same as an unpacked mirror gives without
 * the setting.
 */
export function prepareTerraformEnvironment(workDir: string, env: NodeJS.ProcessEnv = process.env): TerraformEnvironment {
  const binary = findTerraformBinary(env);
  const mirror = findProviderMirror(env);
  const pluginCache = path.join(workDir, 'plugin-cache');
  linkMirrorIntoCache(mirror, pluginCache);

  const cliConfigFile = path.join(workDir, 'terraform.tfrc');
  const cliConfig = [
    `plugin_cache_dir = ${JSON.stringify(pluginCache)}`,
    'plugin_cache_may_break_dependency_lock_file = true',
    'disable_checkpoint = true',
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/*"]',
    '  }',
    '}',
    '',
  ].join('\n');
  fs.writeFileSync(cliConfigFile, cliConfig);

  return {
    binary,
    mirror,
    cliConfigFile,
    env: {
      ...env,
      TF_CLI_CONFIG_FILE: cliConfigFile,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
    },
  };
}

/**
 * Links each platform folder of the mirrored provider into the plugin cache, as `terraform
 * init` would. Terraform's cache is not safe for concurrent writers, so the entries are
 * created here, once, and init only reads them.
 */
function linkMirrorIntoCache(mirror: string, pluginCache: string): void {
  const source = path.join(mirror, AWS_PROVIDER_PATH);
  const target = path.join(pluginCache, AWS_PROVIDER_PATH);
  fs.mkdirSync(target, { recursive: true });

  for (const platform of fs.readdirSync(source)) {
    const link = path.join(target, platform);
    try {
      fs.symlinkSync(path.join(source, platform), link, 'dir');
    } catch (error) {
      // Another process linked it first, or an earlier init filled the cache itself.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
  }
}

export interface TerraformResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one Terraform command synchronously and returns its exit code and output. */
export function runTerraformSync(
  terraform: TerraformEnvironment,
  args: readonly string[],
  cwd: string,
  extraEnv: NodeJS.ProcessEnv = {},
): TerraformResult {
  const result = spawnSync(terraform.binary, ['-chdir=' + cwd, ...args], {
    env: { ...terraform.env, ...extraEnv },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) {
    throw result.error;
  }
  return { exitCode: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs one Terraform command without blocking the event loop. */
export function runTerraform(
  terraform: TerraformEnvironment,
  args: readonly string[],
  cwd: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraform.binary, ['-chdir=' + cwd, ...args], { env: { ...terraform.env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
  });
}

/** Throws with Terraform's own error output when a command failed. */
export function assertTerraformSucceeded(result: TerraformResult, command: string): TerraformResult {
  if (result.exitCode !== 0) {
    throw new Error(`terraform ${command} failed with exit code ${result.exitCode}:\n${result.stderr || result.stdout}`);
  }
  return result;
}
