/**
 * cognito-local (5.3.0), a Cognito user pools emulator, served on a fixed loopback port
 * with its data in the state directory. The port is fixed because the issuer of the tokens
 * it signs is `http://127.0.0.1:<port>/<userPoolId>`, so tokens and stored issuer settings
 * stay valid between commands only if the port does not change.
 *
 * `startCognitoLocal` runs it in a child process (`cognito-local-process.ts`): one of its
 * dependencies is an ES module that Node.js 20.19 can `require` but Jest cannot, and the
 * child keeps its AWS SDK v2 trigger clients out of the CLI process.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { ChildProcess, spawn } from 'child_process';
import type { Server } from 'http';

export interface CognitoLocal {
  /** Base URL for `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. */
  readonly endpoint: string;
  /** Issuer of a pool's tokens is `${issuerDomain}/${userPoolId}`. */
  readonly issuerDomain: string;
  stop(): Promise<void>;
}

export interface CognitoLocalOptions {
  readonly dataDirectory: string;
  readonly port: number;
  /**
   * Endpoint for the Lambda and KMS clients that cognito-local creates for triggers. The
   * sandbox configures no triggers, so they are never called, but they must not default
   * to an AWS host.
   */
  readonly unemulatedServiceEndpoint: string;
}

export class CognitoPortInUseError extends Error {
  constructor(port: number) {
    super(
      `cognito-local cannot listen on 127.0.0.1:${port}, the port fixed for this state directory, because another process uses it; ` +
        'stop that process, or run "tenantform sandbox reset" to choose a new port (this deletes the sandbox data)',
    );
    this.name = 'CognitoPortInUseError';
  }
}

/** Returns a loopback port that is free now, chosen by the operating system. */
export function findFreeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Longest wait for the child process to start or stop, in milliseconds. */
const CHILD_TIMEOUT_MS = 30_000;

/** Messages the child process sends over its IPC channel. */
export type CognitoProcessMessage =
  | { readonly type: 'ready'; readonly endpoint: string }
  | { readonly type: 'error'; readonly name: string; readonly message: string };

/** Starts cognito-local in a child process and resolves once it listens. */
export async function startCognitoLocal(options: CognitoLocalOptions): Promise<CognitoLocal> {
  const root = path.resolve(__dirname, '..', '..');
  const loader = path.join(root, 'bin', 'register-typescript.js');
  const entry = path.join(__dirname, 'cognito-local-process.ts');
  const script = `require(${JSON.stringify(loader)}).register(); require(${JSON.stringify(entry)});`;
  const child = spawn(process.execPath, ['-e', script, JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });

  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });

  const message = await new Promise<CognitoProcessMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cognito-local did not start within ${CHILD_TIMEOUT_MS / 1000} s`)), CHILD_TIMEOUT_MS);
    child.once('message', (received) => {
      clearTimeout(timer);
      resolve(received as CognitoProcessMessage);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`cognito-local exited with ${signal ?? `code ${code}`} before it started: ${stderr.trim() || 'no output'}`));
    });
  });

  if (message.type === 'error') {
    child.kill('SIGKILL');
    if (message.name === 'CognitoPortInUseError') {
      throw new CognitoPortInUseError(options.port);
    }
    throw new Error(`cognito-local failed to start: ${message.message}`);
  }
  child.removeAllListeners('exit');
  // The child must not keep the CLI alive, and it stops itself when the channel closes.
  child.unref();
  child.channel?.unref();

  return {
    endpoint: message.endpoint,
    issuerDomain: message.endpoint,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send({ type: 'stop' });
  });
}

/** Serves cognito-local in this process; the child process calls it. */
export async function serveCognitoLocal(options: CognitoLocalOptions): Promise<CognitoLocal> {
  // cognito-local builds its trigger clients with AWS SDK v2, which prints an end-of-support notice on load.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';
  /* eslint-disable @typescript-eslint/no-require-imports */
  const AWS = require('aws-sdk');
  const services = require('cognito-local/lib/services');
  const { CognitoServiceFactoryImpl } = require('cognito-local/lib/services/cognitoService');
  const { CryptoService } = require('cognito-local/lib/services/crypto');
  const { StormDBDataStoreFactory } = require('cognito-local/lib/services/dataStore/stormDb');
  const { MessageDeliveryService } = require('cognito-local/lib/services/messageDelivery/messageDelivery');
  const { ConsoleMessageSender } = require('cognito-local/lib/services/messageDelivery/consoleMessageSender');
  const { otp } = require('cognito-local/lib/services/otp');
  const { JwtTokenGenerator } = require('cognito-local/lib/services/tokenGenerator');
  const { UserPoolServiceFactoryImpl } = require('cognito-local/lib/services/userPoolService');
  const { DefaultConfig } = require('cognito-local/lib/server/config');
  const { Router } = require('cognito-local/lib/server/Router');
  const { createServer } = require('cognito-local/lib/server/server');
  // cognito-local's own pino, so the logger matches the pino-http version it was built with.
  const pino = require(require.resolve('pino', { paths: [path.dirname(require.resolve('cognito-local'))] }));
  /* eslint-enable @typescript-eslint/no-require-imports */

  const issuerDomain = `http://127.0.0.1:${options.port}`;
  const clientEndpoint = { endpoint: options.unemulatedServiceEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const config = {
    ...DefaultConfig,
    // cognito-local's defaults make every new pool sign in by email; the stacks' pools use
    // plain user names, so the sandbox's pools must too.
    UserPoolDefaults: {},
    LambdaClient: clientEndpoint,
    KMSConfig: { ...DefaultConfig.KMSConfig, ...clientEndpoint },
    TokenConfig: { IssuerDomain: issuerDomain },
    ServerConfig: { port: options.port, hostname: '127.0.0.1', development: false, https: false },
  };

  const logger = pino({ level: 'silent' });
  const ctx = { logger };
  fs.mkdirSync(options.dataDirectory, { recursive: true });
  const dataStores = new SerializedWritesDataStoreFactory(new StormDBDataStoreFactory(options.dataDirectory));
  const clock = new services.DateClock();
  const cognito = await new CognitoServiceFactoryImpl(
    options.dataDirectory,
    dataStores,
    new UserPoolServiceFactoryImpl(clock, dataStores),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new services.TriggersService(
    clock,
    cognito,
    new services.LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)),
    new CryptoService(config.KMSConfig),
  );
  const allServices = {
    clock,
    cognito,
    config,
    messages: new services.MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };

  let server: Server;
  try {
    server = await createServer(Router(allServices), logger, config.ServerConfig, allServices).start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CognitoPortInUseError(options.port);
    }
    throw error;
  }

  return {
    endpoint: issuerDomain,
    issuerDomain,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await dataStores.flush();
    },
  };
}

interface StormEngine {
  serialize(data: unknown): string;
  write(data: unknown): Promise<void> | null;
}

/**
 * Wraps cognito-local's StormDB data stores so each file is written by one write at a
 * time, through a temporary file and a rename. StormDB's own asynchronous writes of the
 * same file can overlap, and two overlapping `fs.writeFile` calls can leave a file that
 * mixes both, which a batch of concurrent sign-ups would otherwise risk.
 */
class SerializedWritesDataStoreFactory {
  private readonly writers: SerializedFileWriter[] = [];

  constructor(private readonly inner: { create(ctx: unknown, id: string, defaults: object): Promise<unknown> }) {}

  async create(ctx: unknown, id: string, defaults: object): Promise<unknown> {
    const store = (await this.inner.create(ctx, id, defaults)) as { db?: { engine?: StormEngine & { path: string } } };
    const engine = store.db?.engine;
    if (!engine || typeof engine.path !== 'string') {
      throw new Error('cognito-local data store has no StormDB file engine; this sandbox supports cognito-local 5.3.0');
    }
    const writer = new SerializedFileWriter(engine.path);
    this.writers.push(writer);
    engine.write = (data: unknown) => writer.write(engine.serialize(data));
    return store;
  }

  /** Resolves when every queued write is on disk. */
  async flush(): Promise<void> {
    await Promise.all(this.writers.map((writer) => writer.flush()));
  }
}

/** Writes the latest text of one file, one write at a time; queued texts collapse to the newest. */
class SerializedFileWriter {
  private writing: Promise<void> | undefined;
  private pending: { text: string; waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> } | undefined;

  constructor(private readonly file: string) {}

  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pending) {
        this.pending.text = text;
        this.pending.waiters.push({ resolve, reject });
      } else {
        this.pending = { text, waiters: [{ resolve, reject }] };
      }
      this.pump();
    });
  }

  async flush(): Promise<void> {
    while (this.writing || this.pending) {
      await this.writing;
      this.pump();
    }
  }

  private pump(): void {
    if (this.writing || !this.pending) {
      return;
    }
    const job = this.pending;
    this.pending = undefined;
    const temporary = `${this.file}.${process.pid}.tmp`;
    this.writing = fs.promises
      .writeFile(temporary, job.text)
      .then(() => fs.promises.rename(temporary, this.file))
      .then(
        () => job.waiters.forEach((waiter) => waiter.resolve()),
        (error: Error) => job.waiters.forEach((waiter) => waiter.reject(error)),
      )
      .finally(() => {
        this.writing = undefined;
        this.pump();
      });
  }
}
