#!/usr/bin/env node
'use strict';
// The tenantform CLI: runs cli/main.ts through the cached TypeScript loader, so no build step is needed.
require('./register-typescript').register();
const { main } = require('../cli/main.ts');

main(process.argv.slice(2)).then(
  (code) => process.stdout.write('', () => process.exit(code)),
  (error) => {
    process.stderr.write(`error: ${(error && error.stack) || error}\n`);
    process.exit(1);
  },
);
