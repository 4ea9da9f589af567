/**
 * Builds one esbuild bundle per catalogued handler: minified, with source maps, for Node.js
 * 20 on arm64. All handlers are built in one esbuild call the first time any stack asks for
 * a bundle, so a synth of every stack pays for bundling once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { ALL_HANDLERS, HandlerEntry } from '../../lambdas/catalog';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** Where bundles are written; outside cdktf.out so a synth can reuse them. */
export const BUNDLE_DIR = path.join(REPOSITORY_ROOT, '.cache', 'lambda-bundles');

let built: Map<string, string> | undefined;

/** Returns the folder that holds `index.js` and `index.js.map` of the handler `id`. */
export function bundleDirectory(id: string): string {
  if (!built) {
    built = buildAllBundles(ALL_HANDLERS);
  }
  const directory = built.get(id);
  if (!directory) {
    throw new Error(`handler "${id}" has no bundle; add it to lambdas/catalog.ts`);
  }
  return directory;
}

export function buildAllBundles(handlers: readonly HandlerEntry[], outdir = BUNDLE_DIR): Map<string, string> {
  const entryPoints: Record<string, string> = {};
  for (const handler of handlers) {
    const source = path.join(REPOSITORY_ROOT, handler.entry);
    if (!fs.existsSync(source)) {
      throw new Error(`handler "${handler.id}": entry file "${handler.entry}" does not exist`);
    }
    entryPoints[`${handler.id}/index`] = source;
  }

  fs.rmSync(outdir, { recursive: true, force: true });
  buildSync({
    entryPoints,
    outdir,
    bundle: true,
    minify: true,
    sourcemap: true,
    // Source paths relative to the repository keep bundles identical across checkouts.
    sourceRoot: '',
    absWorkingDir: REPOSITORY_ROOT,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    legalComments: 'none',
    logLevel: 'error',
  });

  return new Map(handlers.map((handler) => [handler.id, path.join(outdir, handler.id)]));
}
