/**
 * Benchmarks of the local sandbox (`npm run bench -- sandbox`): pooled onboarding end to
 * end, a batch of 200 pooled tenants through the real CLI (wall time and peak memory), one
 * silo onboarding with its Terraform plan, and the start of the CLI. Every run uses new
 * temporary state directories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { loadPlatformConfig } from '../config/platform-config';
import { FINAL_STATUSES } from '../lambdas/shared/tenant';
import { registerTenant } from '../cli/onboarding/onboard-tenant';
import { LocalTarget } from '../cli/targets/local-target';
import { BenchRow, BenchSection, median, percentile } from './bench-types';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'tenantform.js');

const POOLED_SAMPLES = 40;
const BATCH_SIZE = 200;
const BATCH_CONCURRENCY = 8;
const CLI_START_SAMPLES = 10;

const temporaryDirectories: string[] = [];

function temporaryDirectory(prefix: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryDirectories.push(directory);
  return directory;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

interface OnboardingTimes {
  readonly pooled: number[];
  readonly silo: number;
  readonly siloStatus: string;
}

/** Onboards pooled tenants one at a time, then one silo tenant, in one warm sandbox. */
async function measureOnboarding(): Promise<OnboardingTimes> {
  const target = await LocalTarget.open({
    config: loadPlatformConfig(),
    stateDirectory: temporaryDirectory('tenantform-bench-'),
    commandName: 'bench sandbox',
    progress: (message) => process.stderr.write(`${message}\n`),
  });
  const onboard = async (name: string, tier: string) => {
    const started = process.hrtime.bigint();
    const tenant = await registerTenant(target, { tenantName: name, email: `admin@${name.replace(/\s+/g, '-').toLowerCase()}.example`, tier });
    const final = await target.waitForTenant(tenant.tenantId, (record) => FINAL_STATUSES.includes(record.status));
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: final.status };
  };

  try {
    // Warm-up: engine start, handler loading and the first synthesis are not part of a sample.
    await onboard('Warm Pool', 'BASIC');
    await onboard('Warm Silo', 'PLATINUM');

    const pooled: number[] = [];
    for (let index = 0; index < POOLED_SAMPLES; index += 1) {
      const result = await onboard(`Pooled ${index}`, ['BASIC', 'STANDARD', 'PREMIUM'][index % 3]);
      if (result.status !== 'ACTIVE') {
        throw new Error(`pooled tenant ${index} ended ${result.status}`);
      }
      pooled.push(result.ms);
    }
    const silo = await onboard('Measured Silo', 'PLATINUM');
    return { pooled, silo: silo.ms, siloStatus: silo.status };
  } finally {
    await target.close();
  }
}

interface BatchMeasurement {
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly cliPeakKb: number;
  readonly totalPeakKb: number;
}

/** Peak resident set (VmHWM) of a process, in kB, or 0 once it has exited. */
function peakResidentKb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function childPids(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Runs a 200-tenant batch through the CLI, sampling the peak memory of it and its children. */
async function measureBatch(): Promise<BatchMeasurement> {
  const directory = temporaryDirectory('tenantform-bench-batch-');
  const file = path.join(directory, 'tenants.json');
  const tiers = ['BASIC', 'STANDARD', 'PREMIUM'];
  fs.writeFileSync(
    file,
    JSON.stringify(Array.from({ length: BATCH_SIZE }, (_, index) => ({ tenantName: `Batch Tenant ${index}`, email: `admin${index}@batch.example`, tier: tiers[index % 3] }))),
  );

  const started = Date.now();
  const child = spawn(process.execPath, [CLI, '--state-dir', path.join(directory, 'state'), 'tenants', 'onboard', '--file', file, '--concurrency', String(BATCH_CONCURRENCY), '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const peaks = new Map<number, number>();
  const sample = () => {
    for (const pid of [child.pid!, ...childPids(child.pid!)]) {
      peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peakResidentKb(pid)));
    }
  };
  const timer = setInterval(sample, 100);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);

  return {
    wallMs: Date.now() - started,
    exitCode,
    cliPeakKb: peaks.get(child.pid!) ?? 0,
    totalPeakKb: [...peaks.values()].reduce((total, peak) => total + peak, 0),
  };
}

/** Times `tenantform --help`: once with an empty compile cache, then warm. */
function measureCliStart(): { cold: number; warm: number[] } {
  const time = (env: NodeJS.ProcessEnv) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [CLI, '--help'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
    if (result.status !== 0) {
      throw new Error(`tenantform --help exited ${result.status}`);
    }
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const cold = time({ TENANTFORM_TS_CACHE: temporaryDirectory('tenantform-bench-cache-') });
  time({});
  const warm = Array.from({ length: CLI_START_SAMPLES }, () => time({}));
  return { cold, warm };
}

export async function run(): Promise<BenchSection> {
  // As the CLI does: the SDK's notice about Node.js 22 would interleave with the results.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let start: { cold: number; warm: number[] };
  let onboarding: OnboardingTimes;
  let batch: BatchMeasurement;
  try {
    start = measureCliStart();
    onboarding = await measureOnboarding();
    batch = await measureBatch();
  } finally {
    for (const directory of temporaryDirectories.splice(0)) {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  }

  const pooledMedian = median(onboarding.pooled);
  const startMedian = median(start.warm);
  const rows: BenchRow[] = [
    { metric: `Pooled onboarding, end to end, median of ${POOLED_SAMPLES}`, value: ms(pooledMedian), target: '< 150 ms', met: pooledMedian < 150 },
    { metric: `Pooled onboarding, end to end, p95 of ${POOLED_SAMPLES}`, value: ms(percentile(onboarding.pooled, 95)) },
    { metric: `Batch of ${BATCH_SIZE} pooled tenants, wall time (CLI, ${BATCH_CONCURRENCY} at a time)`, value: ms(batch.wallMs), target: '< 60 s', met: batch.wallMs < 60_000 && batch.exitCode === 0 },
    { metric: `Batch of ${BATCH_SIZE}, peak RSS of the CLI process`, value: `${(batch.cliPeakKb / 1024).toFixed(0)} MiB`, target: '< 1 GiB', met: batch.cliPeakKb < 1024 * 1024 },
    { metric: `Batch of ${BATCH_SIZE}, peak RSS of the CLI and its child processes together`, value: `${(batch.totalPeakKb / 1024).toFixed(0)} MiB` },
    { metric: 'One silo onboarding (terraform init and plan), template already synthesised', value: ms(onboarding.silo) },
    { metric: `tenantform --help, median of ${CLI_START_SAMPLES} warm starts`, value: ms(startMedian), target: '< 500 ms', met: startMedian < 500 },
    { metric: 'tenantform --help, first start with an empty compile cache', value: ms(start.cold) },
  ];

  return {
    title: 'Local sandbox',
    command: 'npm run bench -- sandbox',
    rows,
    notes: [
      `Pooled onboarding is measured in one process on a warm sandbox: registration through the registration handler, the onboarding state machine, the event bus and the registry updater, until the tenant reads ACTIVE. The silo tenant ended ${onboarding.siloStatus}.`,
      `The batch runs \`tenantform tenants onboard --file\` in a new state directory, so its wall time includes starting every engine; it exited with code ${batch.exitCode}. Peak RSS is VmHWM from /proc, sampled every 100 ms; the children are cognito-local and the template synthesis, if any.`,
      'Each command loads the CLI through a TypeScript compile cache in .cache/ts; the first start after a source change compiles the changed files.',
    ],
  };
}
