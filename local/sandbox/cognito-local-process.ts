/**
 * Entry point of the cognito-local child process that `startCognitoLocal` spawns. It reads
 * its options as JSON from the first argument, reports `ready` or `error` over the IPC
 * channel, and stops (flushing its data files) on a `stop` message or when the parent's
 * channel closes.
 */
import { CognitoProcessMessage, CognitoLocalOptions, serveCognitoLocal, CognitoLocal } from './cognito-local';

function send(message: CognitoProcessMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  // Ctrl-C reaches the whole process group; the parent decides when the sandbox stops,
  // because tenants still being onboarded need Cognito after the interrupt.
  process.on('SIGINT', () => undefined);

  const options = JSON.parse(process.argv[process.argv.length - 1]) as CognitoLocalOptions;
  let server: CognitoLocal;
  try {
    server = await serveCognitoLocal(options);
  } catch (error) {
    const failure = error as Error;
    send({ type: 'error', name: failure.name, message: failure.message });
    process.exit(1);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') {
      void stop();
    }
  });
  process.on('disconnect', () => void stop());
  send({ type: 'ready', endpoint: server.endpoint });
}

void main();
