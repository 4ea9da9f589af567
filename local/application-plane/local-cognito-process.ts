/**
 * Entry point of the child process that runs cognito-local for `startLocalCognito`. It
 * reads its options from the first argument, serves, and reports its endpoint over the IPC
 * channel. When the channel closes, because the parent stopped it or died, it deletes its
 * data folder and exits, so it never outlives its parent.
 */
import * as fs from 'fs';
import { LocalCognitoServerOptions, serveLocalCognito } from './local-cognito-server';

const options = JSON.parse(process.argv[process.argv.length - 1]) as LocalCognitoServerOptions;

serveLocalCognito(options).then(
  ({ endpoint }) => process.send?.({ type: 'ready', endpoint }),
  (error: Error) => {
    process.send?.({ type: 'error', message: error.message });
    process.exit(1);
  },
);

process.on('disconnect', () => {
  fs.rmSync(options.dataDirectory, { recursive: true, force: true });
  process.exit(0);
});
