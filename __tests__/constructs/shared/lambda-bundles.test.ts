import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createHash } from 'crypto';
import { CONTROL_PLANE_HANDLERS } from '../../../lambdas/catalog';

type BundlesModule = typeof import('../../../constructs/shared/lambda-bundles');

/** Loads the bundle module with its cache in `cache`, since the cache folder is read at load time. */
function loadBundles(cache: string): BundlesModule {
  process.env.TENANTFORM_BUNDLE_CACHE = cache;
  let loaded: BundlesModule | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('../../../constructs/shared/lambda-bundles') as BundlesModule;
  });
  delete process.env.TENANTFORM_BUNDLE_CACHE;
  return loaded as BundlesModule;
}

describe('handler bundle cache', () => {
  const handlers = CONTROL_PLANE_HANDLERS.filter((handler) => ['tenants-get', 'lifecycle-validate-event'].includes(handler.id));
  let cache: string;

  beforeEach(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-bundles-'));
  });

  afterEach(() => {
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('bundles and zips each handler', () => {
    const bundles = loadBundles(cache).loadOrBuildBundles(handlers);
    for (const handler of handlers) {
      const bundle = bundles.get(handler.id);
      expect(fs.readdirSync(bundle?.directory as string).sort()).toEqual(['index.js', 'index.js.map']);
      const digest = createHash('sha256').update(fs.readFileSync(bundle?.archive as string)).digest('base64');
      expect(bundle?.archiveSha256).toBe(digest);
    }
  });

  it('keeps source paths relative and sources out', () => {
    const bundle = loadBundles(cache).loadOrBuildBundles(handlers).get('tenants-get');
    const map = JSON.parse(fs.readFileSync(path.join(bundle?.directory as string, 'index.js.map'), 'utf8'));
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((source: string) => source.endsWith('/lambdas/control-plane/tenants/get-tenant.ts'))).toBe(true);
    expect(map.sources.filter((source: string) => path.isAbsolute(source))).toEqual([]);
  });

  it('reuses the cache when no input changed', () => {
    const first = loadBundles(cache).loadOrBuildBundles(handlers);
    const archive = first.get('tenants-get')?.archive as string;
    const writtenAt = fs.statSync(archive).mtimeMs;

    const second = loadBundles(cache).loadOrBuildBundles(handlers);
    expect(second.get('tenants-get')?.archive).toBe(archive);
    expect(fs.statSync(archive).mtimeMs).toBe(writtenAt);
    expect(fs.readdirSync(cache).filter((name) => /^[0-9a-f]{16}$/.test(name))).toHaveLength(1);
  });

  it('rebuilds when an input changed', () => {
    loadBundles(cache).loadOrBuildBundles(handlers);
    const recordFile = path.join(cache, 'latest.json');
    const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    const [input] = Object.keys(record.inputs);
    record.inputs[input][1] -= 1000;
    fs.writeFileSync(recordFile, JSON.stringify(record));

    const bundles = loadBundles(cache).loadOrBuildBundles(handlers);
    expect(bundles.size).toBe(2);
    // A rebuild records the inputs again, with the file's real modification time.
    const rewritten = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    expect(rewritten.inputs[input][1]).toBe(fs.statSync(path.join(__dirname, '..', '..', '..', input)).mtimeMs);
  });

  it('rebuilds when the handler list changed', () => {
    const module = loadBundles(cache);
    const one = module.loadOrBuildBundles(handlers.slice(0, 1));
    const both = module.loadOrBuildBundles(handlers);
    expect(both.size).toBe(2);
    expect(path.dirname(both.get(handlers[0].id)?.archive as string)).not.toBe(path.dirname(one.get(handlers[0].id)?.archive as string));
  });

  it('rejects a handler whose entry file is missing', () => {
    const module = loadBundles(cache);
    expect(() => module.buildAllBundles([{ id: 'ghost', entry: 'lambdas/ghost.ts', description: '' }], path.join(cache, 'out'))).toThrow(
      'handler "ghost": entry file "lambdas/ghost.ts" does not exist',
    );
  });
});
