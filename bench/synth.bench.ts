/**
 * Measures synthesis: the app's own synth of the three stacks in a child process, with the
 * bundle cache warm and cold and with two TypeScript loaders; `npx cdktf synth`; and
 * `tsc --noEmit -p .`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { BenchRow, BenchSection, median } from './bench-types';

const ROOT = path.resolve(__dirname, '..');
const WARM_RUNS = 5;
const COLD_RUNS = 3;
const CDKTF_RUNS = 3;
const SYNTH_TARGET_MS = 3000;

/**
 * TypeScript loaders of the child: ts-node, which cdktf.json runs, and the repository's
 * esbuild loader with a compile cache, which the CLI uses.
 */
const LOADERS = {
  'ts-node': "require('ts-node').register({ transpileOnly: true });",
  'cached esbuild loader': "require('./bin/register-typescript.js').register();",
} as const;

type Loader = keyof typeof LOADERS;

/** Runs the app's synth in a fresh Node.js process and returns the in-process and wall times. */
function synthInChild(outdir: string, env: NodeJS.ProcessEnv, loader: Loader = 'ts-node'): { synthMs: number; wallMs: number } {
  const script = [
    'const started = Date.now();',
    LOADERS[loader],
    "const { buildApp } = require('./main');",
    "const { loadPlatformConfig } = require('./config/platform-config');",
    `buildApp(loadPlatformConfig(), ${JSON.stringify(outdir)}).synth();`,
    'process.stdout.write(JSON.stringify({ synthMs: Date.now() - started }));',
  ].join('\n');
  const started = Date.now();
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = Date.now() - started;
  if (result.status !== 0) {
    throw new Error(`synth failed with exit code ${result.status}:\n${result.stderr}`);
  }
  return { synthMs: (JSON.parse(result.stdout) as { synthMs: number }).synthMs, wallMs };
}

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}:\n${result.stderr || result.stdout}`);
  }
  return Date.now() - started;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<BenchSection> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-synth-bench-'));
  // The cdktf CLI requests version news from a HashiCorp server unless CHECKPOINT_DISABLE is set.
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
  delete env.TENANTFORM_BUNDLE_CACHE;
  try {
    // One synth per loader fills the bundle cache (and the loader's compile cache), so the
    // warm runs measure what a developer's next synth costs.
    synthInChild(path.join(scratch, 'prime'), env);
    synthInChild(path.join(scratch, 'prime-cached'), env, 'cached esbuild loader');
    const warm = Array.from({ length: WARM_RUNS }, (_, index) => synthInChild(path.join(scratch, `warm-${index}`), env));
    const warmCached = Array.from({ length: WARM_RUNS }, (_, index) =>
      synthInChild(path.join(scratch, `warm-cached-${index}`), env, 'cached esbuild loader'),
    );

    const cold = Array.from({ length: COLD_RUNS }, (_, index) => {
      const cache = path.join(scratch, `cold-cache-${index}`);
      return synthInChild(path.join(scratch, `cold-${index}`), { ...env, TENANTFORM_BUNDLE_CACHE: cache });
    });

    const cdktf = Array.from({ length: CDKTF_RUNS }, (_, index) =>
      timeCommand('npx', ['cdktf', 'synth', '--output', path.join(scratch, `cdktf-${index}`)], env),
    );
    const tsc = timeCommand('npx', ['tsc', '--noEmit', '-p', '.'], env);

    const targetRow = (metric: string, valueMs: number): BenchRow => ({
      metric,
      value: seconds(valueMs),
      target: `< ${seconds(SYNTH_TARGET_MS)}`,
      met: valueMs < SYNTH_TARGET_MS,
    });
    const rows: BenchRow[] = [
      targetRow(`App synth of 3 stacks, bundle cache warm, ts-node (in process, median of ${WARM_RUNS})`, median(warm.map((sample) => sample.synthMs))),
      { metric: `Same, child process wall time (median of ${WARM_RUNS})`, value: seconds(median(warm.map((sample) => sample.wallMs))) },
      targetRow(
        `App synth of 3 stacks, bundle cache warm, cached esbuild loader (in process, median of ${WARM_RUNS})`,
        median(warmCached.map((sample) => sample.synthMs)),
      ),
      { metric: `Same, child process wall time (median of ${WARM_RUNS})`, value: seconds(median(warmCached.map((sample) => sample.wallMs))) },
      { metric: `App synth, bundle cache cold, ts-node (in process, median of ${COLD_RUNS})`, value: seconds(median(cold.map((sample) => sample.synthMs))) },
      { metric: `Same, child process wall time (median of ${COLD_RUNS})`, value: seconds(median(cold.map((sample) => sample.wallMs))) },
      { metric: `npx cdktf synth (median of ${CDKTF_RUNS})`, value: seconds(median(cdktf)) },
      { metric: 'tsc --noEmit -p .', value: seconds(tsc) },
    ];
    return {
      title: 'Synthesis',
      command: 'npm run bench -- synth',
      rows,
      notes: [
        'In process: from registering the TypeScript loader to the last file written, in a fresh Node.js process; wall time adds Node.js start-up.',
        'ts-node (transpile only, as cdktf.json runs the app) compiles every file on each run and installs source-map-support, which makes the stack traces that CDKTF captures for each token slow; `bin/register-typescript.js` reuses compiled files from `.cache/ts` and leaves stack traces native.',
        'Warm: the Lambda bundles come from `.cache/lambda-bundles` because no handler source changed. Cold: an empty cache, so esbuild bundles and zips all handlers.',
        'Other processes on the machine (tests of other work in progress) can slow a run; the medians damp but do not remove that.',
      ],
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
