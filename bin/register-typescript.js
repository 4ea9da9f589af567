'use strict';
/**
 * Lets Node.js require the repository's TypeScript files without a build step. esbuild
 * compiles each `.ts` file to CommonJS the first time it loads. The output is kept in
 * `.cache/ts/` under a key of the file's path, size, modification time and the compiler
 * settings, so later runs read the cached JavaScript and skip esbuild entirely. Files keep
 * their own paths, so `__dirname` and relative file reads work as in ts-node.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = process.env.TENANTFORM_TS_CACHE || path.join(ROOT, '.cache', 'ts');
const COMPILER_OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  // Node's ESM loader cannot resolve extensionless TypeScript paths, so import() becomes require().
  supported: { 'dynamic-import': false },
  sourcemap: 'inline',
};

let esbuild;
let cacheWritable = true;

function compile(filename) {
  const stat = fs.statSync(filename);
  const key = crypto
    .createHash('sha1')
    .update(`${filename}\0${stat.size}\0${stat.mtimeMs}\0${JSON.stringify(COMPILER_OPTIONS)}`)
    .digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not compiled yet, or compiled under other settings.
  }

  esbuild ??= require('esbuild');
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = esbuild.transformSync(source, { ...COMPILER_OPTIONS, sourcefile: filename });
  if (cacheWritable) {
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      // Write then rename, so processes starting together never read half a file.
      const temporary = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, code);
      fs.renameSync(temporary, cached);
    } catch {
      // A read-only checkout still runs; it compiles on every start instead.
      cacheWritable = false;
    }
  }
  return code;
}

function register() {
  if (require.extensions['.ts']) {
    return;
  }
  // Mapping stack traces to the TypeScript lines costs a source-map parse per loaded file,
  // so it is on only when debugging.
  if (process.env.TENANTFORM_DEBUG === '1') {
    process.setSourceMapsEnabled(true);
  }
  require.extensions['.ts'] = (module, filename) => {
    module._compile(compile(filename), filename);
  };
}

module.exports = { register, ROOT };
