/**
 * Builds one esbuild bundle per catalogued handler (minified, with source maps, for
 * Node.js 20) and zips each once. All handlers are built in one esbuild call the first time
 * any stack requests a bundle, so a synth of every stack pays for bundling once, and each
 * stack only copies the zip files into its assets.
 *
 * Built bundles are cached under `.cache/lambda-bundles/<key>/`, where the key is a hash of
 * the zips. The next synth reuses them when every source file esbuild read still has the
 * same size and modification time, and the build options and handler list are unchanged.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync, BuildOptions, version as esbuildVersion } from 'esbuild';
import { ALL_HANDLERS, HandlerEntry } from '../../lambdas/catalog';
import { writeDirectoryArchive } from './directory-archive';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** Variable that moves the bundle cache, as the synth benchmark does to measure a cold synth. */
export const BUNDLE_CACHE_ENV = 'TENANTFORM_BUNDLE_CACHE';

/** Cache of built bundles, and parent of the per-process build folders; outside cdktf.out. */
export const BUNDLE_DIR = process.env[BUNDLE_CACHE_ENV] || path.join(REPOSITORY_ROOT, '.cache', 'lambda-bundles');

/** Pointer to the newest cache entry, with the inputs it was built from. */
const LATEST_FILE = path.join(BUNDLE_DIR, 'latest.json');

/** Cache entries other than the newest are removed once they are this old, in milliseconds. */
const STALE_ENTRY_AGE_MS = 24 * 60 * 60 * 1000;

/** Bumped when the layout of a cache entry changes, so older entries are not reused. */
const CACHE_FORMAT = 3;

const BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: true,
  // Stack traces need only the mappings; embedding every source would triple the map size.
  sourcesContent: false,
  // Map paths are relative to the bundle and get no absolute prefix, so a checkout's location
  // does not change the bundle.
  sourceRoot: '',
  absWorkingDir: REPOSITORY_ROOT,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'error',
};

export interface HandlerBundle {
  /** Folder that contains `index.js` and `index.js.map`. */
  readonly directory: string;
  /** Zip file of that folder, ready to upload as the function's code. */
  readonly archive: string;
  /** Base64 SHA-256 of the zip, as Lambda reports `CodeSha256` and Terraform's `filebase64sha256` gives it. */
  readonly archiveSha256: string;
}

interface CacheRecord {
  readonly key: string;
  readonly optionsKey: string;
  /** Every file esbuild read, relative to the repository, with `[size, mtimeMs]`. */
  readonly inputs: Readonly<Record<string, readonly [number, number]>>;
  /** Base64 SHA-256 of each handler's zip, by handler id. */
  readonly archiveSha256: Readonly<Record<string, string>>;
}

let built: Map<string, HandlerBundle> | undefined;
let processDirectory: string | undefined;

/** Returns the bundle of the handler `id`, building or loading every handler's bundle on the first call. */
export function handlerBundle(id: string): HandlerBundle {
  built ??= loadOrBuildBundles(ALL_HANDLERS);
  const bundle = built.get(id);
  if (!bundle) {
    throw new Error(`handler "${id}" has no bundle; add it to lambdas/catalog.ts`);
  }
  return bundle;
}

/** Returns the folder that contains `index.js` and `index.js.map` of the handler `id`. */
export function bundleDirectory(id: string): string {
  return handlerBundle(id).directory;
}

/**
 * Returns this process's folder under BUNDLE_DIR, for synth-time archives other than the
 * handler bundles. It is removed when the process exits.
 */
export function processBuildDirectory(): string {
  if (!processDirectory) {
    const directory = path.join(BUNDLE_DIR, `process-${process.pid}`);
    fs.mkdirSync(directory, { recursive: true });
    process.once('exit', () => fs.rmSync(directory, { recursive: true, force: true }));
    processDirectory = directory;
  }
  return processDirectory;
}

/** Returns the cached bundles when their inputs are unchanged, and builds and caches them otherwise. */
export function loadOrBuildBundles(handlers: readonly HandlerEntry[]): Map<string, HandlerBundle> {
  const optionsKey = hashOf(JSON.stringify({ CACHE_FORMAT, esbuildVersion, BUILD_OPTIONS, handlers }));
  const latest = readCacheRecord();
  if (latest && latest.optionsKey === optionsKey && inputsUnchanged(latest.inputs)) {
    const directory = path.join(BUNDLE_DIR, latest.key);
    if (handlers.every((handler) => latest.archiveSha256?.[handler.id] && fs.existsSync(path.join(directory, `${handler.id}.zip`)))) {
      return bundlesIn(directory, handlers, latest.archiveSha256);
    }
  }

  removeStaleEntries();
  const temporary = path.join(BUNDLE_DIR, `build-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  const inputs = buildAllBundles(handlers, temporary);
  const archiveSha256: Record<string, string> = {};
  for (const handler of handlers) {
    archiveSha256[handler.id] = crypto.createHash('sha256').update(fs.readFileSync(path.join(temporary, `${handler.id}.zip`))).digest('base64');
  }
  const key = hashOf(handlers.map((handler) => archiveSha256[handler.id]).join(''));
  const directory = path.join(BUNDLE_DIR, key);
  publishEntry(temporary, directory);
  writeCacheRecord({ key, optionsKey, inputs, archiveSha256 });
  return bundlesIn(directory, handlers, archiveSha256);
}

/**
 * Bundles and zips `handlers` into `outdir`, replacing what it contained, and returns the
 * size and modification time of every file esbuild read.
 */
export function buildAllBundles(handlers: readonly HandlerEntry[], outdir: string): Record<string, [number, number]> {
  const entryPoints: Record<string, string> = {};
  for (const handler of handlers) {
    const source = path.join(REPOSITORY_ROOT, handler.entry);
    if (!fs.existsSync(source)) {
      throw new Error(`handler "${handler.id}": entry file "${handler.entry}" does not exist`);
    }
    entryPoints[`${handler.id}/index`] = source;
  }

  fs.rmSync(outdir, { recursive: true, force: true });
  const result = buildSync({ ...BUILD_OPTIONS, entryPoints, outdir, metafile: true });

  for (const handler of handlers) {
    writeDirectoryArchive(path.join(outdir, handler.id), path.join(outdir, `${handler.id}.zip`));
  }

  const inputs: Record<string, [number, number]> = {};
  for (const input of Object.keys(result.metafile?.inputs ?? {}).sort()) {
    const stat = fs.statSync(path.join(REPOSITORY_ROOT, input));
    inputs[input] = [stat.size, stat.mtimeMs];
  }
  return inputs;
}

function bundlesIn(directory: string, handlers: readonly HandlerEntry[], archiveSha256: Readonly<Record<string, string>>): Map<string, HandlerBundle> {
  return new Map(
    handlers.map((handler) => [
      handler.id,
      {
        directory: path.join(directory, handler.id),
        archive: path.join(directory, `${handler.id}.zip`),
        archiveSha256: archiveSha256[handler.id],
      },
    ]),
  );
}

function inputsUnchanged(inputs: CacheRecord['inputs']): boolean {
  for (const [input, [size, mtimeMs]] of Object.entries(inputs)) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(path.join(REPOSITORY_ROOT, input));
    } catch {
      return false;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) {
      return false;
    }
  }
  return true;
}

/** Moves a finished build to its content-addressed name; another process may have published the same content first. */
function publishEntry(temporary: string, directory: string): void {
  try {
    fs.renameSync(temporary, directory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') {
      throw error;
    }
    fs.rmSync(temporary, { recursive: true, force: true });
  }
  // Marks the entry as used now, so stale-entry removal measures age from the last use.
  const now = new Date();
  fs.utimesSync(directory, now, now);
}

function readCacheRecord(): CacheRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(LATEST_FILE, 'utf8')) as CacheRecord;
  } catch {
    return undefined;
  }
}

/** Writes the pointer through a rename, so a concurrent reader sees the old or the new record whole. */
function writeCacheRecord(record: CacheRecord): void {
  const temporary = `${LATEST_FILE}.${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(record));
  fs.renameSync(temporary, LATEST_FILE);
}

/**
 * Removes cache entries older than STALE_ENTRY_AGE_MS and folders of processes that ended
 * without cleaning up, such as a killed synth. Fresh entries stay, because another process
 * may be copying from one.
 */
function removeStaleEntries(): void {
  if (!fs.existsSync(BUNDLE_DIR)) {
    return;
  }
  const latestKey = readCacheRecord()?.key;
  for (const name of fs.readdirSync(BUNDLE_DIR)) {
    const folder = path.join(BUNDLE_DIR, name);
    const ownerPid = /^(?:process|build)-(\d+)/.exec(name)?.[1];
    if (ownerPid !== undefined) {
      if (Number(ownerPid) !== process.pid && !processIsRunning(Number(ownerPid))) {
        fs.rmSync(folder, { recursive: true, force: true });
      }
      continue;
    }
    if (name === latestKey || !/^[0-9a-f]{16}$/.test(name)) {
      continue;
    }
    if (Date.now() - fs.statSync(folder).mtimeMs > STALE_ENTRY_AGE_MS) {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }
}

function processIsRunning(pid: number): boolean {
  try {
    // Signal 0 only checks that the process exists; nothing is sent to it.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function hashOf(content: string | Buffer): string {
  return crypto.createHash('sha256').update(content).digest('hex').slice(0, 16);
}
