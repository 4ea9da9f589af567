/**
 * cognito-local 5.3.0 for the application-plane harness, running in a child process on an
 * ephemeral 127.0.0.1 port with its data in a temporary folder. It issues RS256 ID and
 * access tokens whose issuer is `http://127.0.0.1:<port>/<user pool id>` and serves the
 * JWKS at `<issuer>/.well-known/jwks.json`, so the authorizer verifies its tokens exactly
 * as it verifies Cognito's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import type { SentMessage } from './local-cognito-server';

export type { SentMessage };

export interface LocalCognito {
  /** Base URL for `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. */
  readonly endpoint: string;
  /** Token issuer of a user pool, as the `iss` claim carries it. */
  issuerOf(userPoolId: string): string;
  /** Messages cognito-local would have delivered, such as invitations with a temporary password. */
  sentMessages(): SentMessage[];
  stop(): Promise<void>;
}

/** Maximum wait for the child process to report that it listens, in milliseconds. */
const START_TIMEOUT_MS = 30_000;

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

export async function startLocalCognito(): Promise<LocalCognito> {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-cognito-'));
  const messageLog = path.join(dataDirectory, 'messages.jsonl');
  fs.writeFileSync(messageLog, '');

  const child = spawn(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, 'local-cognito-process.ts'), JSON.stringify({ dataDirectory, messageLog, port: 0 })],
    { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, TS_NODE_PROJECT: path.join(REPOSITORY_ROOT, 'tsconfig.json') } },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });

  const cleanUp = () => fs.rmSync(dataDirectory, { recursive: true, force: true });
  let endpoint: string;
  try {
    endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cognito-local did not start within ${START_TIMEOUT_MS / 1000} s: ${stderr}`)), START_TIMEOUT_MS);
      child.once('message', (message: { type: string; endpoint?: string; message?: string }) => {
        clearTimeout(timer);
        if (message.type === 'ready' && message.endpoint) {
          resolve(message.endpoint);
        } else {
          reject(new Error(`cognito-local failed to start: ${message.message ?? 'no reason given'}`));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`cognito-local exited with code ${code} before it listened: ${stderr}`));
      });
    });
  } catch (error) {
    child.kill();
    cleanUp();
    throw error;
  }

  return {
    endpoint,
    issuerOf: (userPoolId) => `${endpoint}/${userPoolId}`,
    sentMessages: () =>
      fs
        .readFileSync(messageLog, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as SentMessage),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          cleanUp();
          resolve();
          return;
        }
        child.once('exit', () => {
          cleanUp();
          resolve();
        });
        child.disconnect();
      }),
  };
}
