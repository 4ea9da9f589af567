/**
 * The synthesised tenant template that the sandbox's provisioning jobs plan, cached in the
 * state directory under a hash of everything synthesis reads: `main.ts`, `config/`,
 * `constructs/`, `lambdas/`, `package-lock.json` and the platform configuration. The
 * template version published to the jobs is `local-` and the start of that hash.
 *
 * Synthesis runs `buildApp` from `main.ts` in a child process, with TENANTFORM_OFFLINE_PLAN=1
 * so the provider is configured for offline plans, and keeps the CDKTF libraries out of the
 * CLI process.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import type { PlatformConfig } from '../../config/platform-config';

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');
const HASHED_PATHS = ['main.ts', 'config', 'constructs', 'lambdas', 'package-lock.json'];
const TEMPLATE_STACK = 'tenant-template';

export interface TenantTemplate {
  /** Version string, such as `local-3f2a9c0d1b7e`. */
  readonly version: string;
  /** Folder of the synthesised stack, holding `cdk.tf.json`. */
  readonly directory: string;
}

/** Returns the cached template for the current sources, synthesising it on a cache miss. */
export async function ensureTenantTemplate(templatesDirectory: string, config: PlatformConfig, log: (message: string) => void): Promise<TenantTemplate> {
  const hash = hashSources(config);
  const version = `local-${hash.slice(0, 12)}`;
  const finalDirectory = path.join(templatesDirectory, version);
  const stackDirectory = path.join(finalDirectory, 'stacks', TEMPLATE_STACK);
  if (fs.existsSync(path.join(stackDirectory, 'cdk.tf.json'))) {
    return { version, directory: stackDirectory };
  }

  log(`synthesising the tenant template ${version}; later runs reuse it until the sources change`);
  fs.mkdirSync(templatesDirectory, { recursive: true });
  const partial = path.join(templatesDirectory, `${version}.partial-${process.pid}`);
  fs.rmSync(partial, { recursive: true, force: true });
  await synthesise(config, partial);
  if (!fs.existsSync(path.join(partial, 'stacks', TEMPLATE_STACK, 'cdk.tf.json'))) {
    throw new Error(`synthesis wrote no stacks/${TEMPLATE_STACK}/cdk.tf.json into ${partial}`);
  }

  fs.rmSync(finalDirectory, { recursive: true, force: true });
  fs.renameSync(partial, finalDirectory);
  removeOtherTemplates(templatesDirectory, version);
  return { version, directory: stackDirectory };
}

/** SHA-256 over the relative path and content of every file synthesis reads, and the configuration. */
export function hashSources(config: PlatformConfig, root = REPOSITORY_ROOT): string {
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify(config));
  const files: string[] = [];
  for (const entry of HASHED_PATHS) {
    collectFiles(path.join(root, entry), files);
  }
  for (const file of files.sort()) {
    hash.update(`\0${path.relative(root, file)}\0`);
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

function collectFiles(location: string, files: string[]): void {
  if (!fs.existsSync(location)) {
    return;
  }
  const stat = fs.statSync(location);
  if (stat.isFile()) {
    files.push(location);
    return;
  }
  for (const entry of fs.readdirSync(location)) {
    if (entry !== 'node_modules' && !entry.startsWith('.')) {
      collectFiles(path.join(location, entry), files);
    }
  }
}

function synthesise(config: PlatformConfig, outdir: string): Promise<void> {
  const loader = path.join(REPOSITORY_ROOT, 'bin', 'register-typescript.js');
  const script = [
    `require(${JSON.stringify(loader)}).register();`,
    `const { buildPlatformConfig } = require(${JSON.stringify(path.join(REPOSITORY_ROOT, 'config', 'platform-config.ts'))});`,
    `const { buildApp } = require(${JSON.stringify(path.join(REPOSITORY_ROOT, 'main.ts'))});`,
    `buildApp(buildPlatformConfig(JSON.parse(process.argv[1])), process.argv[2]).synth();`,
  ].join('\n');

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, JSON.stringify(config), outdir], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, TENANTFORM_OFFLINE_PLAN: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`synthesis of the tenant template failed with exit code ${code}: ${stderr.trim() || 'no output'}`));
      }
    });
  });
}

function removeOtherTemplates(templatesDirectory: string, keep: string): void {
  for (const entry of fs.readdirSync(templatesDirectory)) {
    // Partial folders of other processes are left alone; a lock keeps only one process here.
    if (entry !== keep && /^local-[0-9a-f]{12}$/.test(entry)) {
      fs.rmSync(path.join(templatesDirectory, entry), { recursive: true, force: true });
    }
  }
}
