/**
 * cognito-local for the control-plane user tests, configured like the control-plane user
 * pool: user names are plain names, not email addresses. The sandbox launcher keeps
 * cognito-local's default `UsernameAttributes: ['email']`, which cognito-local merges into
 * every pool it creates, so this launcher clears that default in the child process and then
 * runs the sandbox's child entry point unchanged.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { findFreeLoopbackPort } from '../../../../local/sandbox/cognito-local';

export interface ControlPlaneCognito {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const START_TIMEOUT_MS = 30_000;

export async function startControlPlaneCognito(): Promise<ControlPlaneCognito> {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-control-plane-cognito-'));
  const options = { dataDirectory, port: await findFreeLoopbackPort(), unemulatedServiceEndpoint: 'http://127.0.0.1:9' };
  const script = [
    `require(${JSON.stringify(path.join(ROOT, 'bin', 'register-typescript.js'))}).register();`,
    `require(require.resolve('cognito-local/lib/server/config', { paths: [${JSON.stringify(ROOT)}] })).DefaultConfig.UserPoolDefaults = {};`,
    `require(${JSON.stringify(path.join(ROOT, 'local', 'sandbox', 'cognito-local-process.ts'))});`,
  ].join(' ');
  const child = spawn(process.execPath, ['-e', script, JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });

  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });

  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cognito-local did not start within ${START_TIMEOUT_MS / 1000} s: ${stderr}`)), START_TIMEOUT_MS);
    child.once('message', (message: { type: string; endpoint?: string; message?: string }) => {
      clearTimeout(timer);
      if (message.type === 'ready' && message.endpoint) {
        resolve(message.endpoint);
      } else {
        reject(new Error(`cognito-local failed to start: ${message.message ?? stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cognito-local exited with code ${code} before it started: ${stderr}`));
    });
  });
  child.removeAllListeners('exit');

  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.send({ type: 'stop' });
        });
      }
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}
