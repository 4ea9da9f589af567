/**
 * Entry point of the child process that runs cognito-local for `startLocalCognito`. It
 * reads its options from the first argument, serves, reports its endpoint over the IPC
 * channel, and exits when the channel closes, so it never outlives its parent.
 */
import { LocalCognitoServerOptions, serveLocalCognito } from './local-cognito-server';

const options = JSON.parse(process.argv[process.argv.length - 1]) as LocalCognitoServerOptions;

serveLocalCognito(options).then(
  ({ endpoint }) => process.send?.({ type: 'ready', endpoint }),
  (error: Error) => {
    process.send?.({ type: 'error', message: error.message });
    process.exit(1);
  },
);

process.on('disconnect', () => process.exit(0));
