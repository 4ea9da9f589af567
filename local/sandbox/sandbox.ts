/**
 * The local sandbox: real engines composed on one machine, with their data in a state
 * directory so the sandbox survives between CLI commands. Opening it locks the directory,
 * points the AWS SDK of this process at loopback endpoints only, and starts dynalite with
 * the registry tables. The rest (cognito-local, the API Gateway, SSM and STS emulators, the
 * event bus and the lifecycle runners) starts on the first lifecycle operation.
 */
import * as fs from 'fs';
import { ResourceNames } from '../../config/naming';
import type { PlatformConfig } from '../../config/platform-config';
import { applicationPlaneParameterPath } from '../../constructs/shared/platform-parameters';
import { ENV } from '../../lambdas/shared/environment';
import { LocalDynamoDb, startLocalDynamoDb } from '../dynamodb';
import { startLocalApiGateway } from '../emulators/api-gateway';
import type { LocalEmulator } from '../emulators/emulator-server';
import { startLocalSsm } from '../emulators/ssm';
import { startLocalSts } from '../emulators/sts';
import { startEventBridgeEndpoint } from '../eventbridge/eventbridge-endpoint';
import type { BusLogEntry } from '../eventbridge/local-bus';
import { bootstrapApplicationPlane, ensureTables } from './bootstrap';
import { findFreeLoopbackPort, startCognitoLocal } from './cognito-local';
import { ExecutionStore } from './execution-store';
import { LocalLifecycle } from './local-lifecycle';
import { acquireStateLock, StateLock } from './process-lock';
import { markInterruptedTenants } from './recovery';
import { StateDirectory } from './state-directory';
import { TenantJobStore } from './tenant-jobs';
import { ensureTenantTemplate, hashSources, TenantTemplate } from './tenant-template';
import { startUnemulatedServiceGuard, UnemulatedServiceGuard } from './unemulated-service-guard';

export interface OpenSandboxOptions {
  readonly stateDirectory: string;
  readonly config: PlatformConfig;
  /** The CLI command, recorded in the lock so a second process can name the holder. */
  readonly commandName: string;
  /** Progress messages for people, such as the first synthesis of the template. */
  readonly progress?: (message: string) => void;
}

/** Credentials of the sandbox's SDK clients; the engines accept any. */
const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };

export class LocalSandbox {
  private lifecycleStart: Promise<LocalLifecycle> | undefined;
  private startedLifecycle: LocalLifecycle | undefined;
  private readonly stoppables: Array<{ stop(): Promise<void> }> = [];
  private readonly logStream: fs.WriteStream;
  private closed = false;

  private constructor(
    readonly directory: StateDirectory,
    readonly config: PlatformConfig,
    private readonly lock: StateLock,
    readonly dynamo: LocalDynamoDb,
    private readonly guard: UnemulatedServiceGuard,
    private readonly cognitoPort: number,
    private readonly progress: (message: string) => void,
    logStream: fs.WriteStream,
  ) {
    this.logStream = logStream;
    this.stoppables.push(dynamo, guard);
  }

  /** Locks the state directory, starts dynalite and repairs what a process that died left unfinished. */
  static async open(options: OpenSandboxOptions): Promise<LocalSandbox> {
    const directory = new StateDirectory(options.stateDirectory);
    directory.assertUsable();
    fs.mkdirSync(directory.root, { recursive: true });
    const lock = acquireStateLock(directory.lockFile, directory.root, options.commandName);

    try {
      const isNew = !directory.exists();
      const cognitoPort = isNew ? await findFreeLoopbackPort() : directory.readSettings().cognitoPort;
      directory.open(() => ({ cognitoPort }));
      if (isNew) {
        options.progress?.(`created a new sandbox in ${directory.root}; "tenantform sandbox reset" removes it`);
      }

      const logStream = fs.createWriteStream(directory.logFile, { flags: 'a' });
      const guard = await startUnemulatedServiceGuard();
      const names = new ResourceNames(options.config.prefix);
      applySandboxEnvironment(options.config, guard.endpoint);

      const dynamo = await startLocalDynamoDb({ path: directory.dynamoDb });
      process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
      process.env[ENV.tenantsTable] = names.of('tenants');
      process.env[ENV.tenantNamesTable] = names.of('tenant-names');
      process.env[ENV.rolloutsTable] = names.of('rollouts');
      await ensureTables(dynamo.client, options.config);

      const sandbox = new LocalSandbox(directory, options.config, lock, dynamo, guard, directory.readSettings().cognitoPort, options.progress ?? (() => undefined), logStream);
      if (lock.staleHolder) {
        await sandbox.recover(lock.staleHolder.pid);
      }
      return sandbox;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Starts the lifecycle engines on first use and returns them. */
  lifecycle(): Promise<LocalLifecycle> {
    this.lifecycleStart ??= this.startLifecycle();
    return this.lifecycleStart;
  }

  /** Returns the lifecycle engines once they have started, without starting them. */
  startedLifecycleNow(): LocalLifecycle | undefined {
    return this.startedLifecycle;
  }

  get executionStore(): ExecutionStore {
    return new ExecutionStore(this.directory.executions);
  }

  get tenantJobs(): TenantJobStore {
    return new TenantJobStore(this.directory);
  }

  /** The sandbox log as a stream, for the handlers' JSON log lines. */
  get logWritable(): fs.WriteStream {
    return this.logStream;
  }

  /** Appends one JSON line to the sandbox log. */
  log(entry: BusLogEntry | Record<string, unknown>): void {
    this.logStream.write(JSON.stringify({ time: new Date().toISOString(), pid: process.pid, ...entry }) + '\n');
  }

  /**
   * Lets running lifecycle work finish, then stops every engine and releases the lock.
   * Safe to call more than once.
   */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    try {
      const lifecycle = await this.lifecycleStart?.catch(() => undefined);
      await lifecycle?.drain();
    } finally {
      const results = await Promise.allSettled(this.stoppables.reverse().map((engine) => engine.stop()));
      await new Promise<void>((resolve) => this.logStream.end(resolve));
      this.lock.release();
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) {
        throw failed.reason;
      }
    }
  }

  private async startLifecycle(): Promise<LocalLifecycle> {
    const { directory, config } = this;
    const [cognito, apiGateway, ssm, sts] = await Promise.all([
      startCognitoLocal({ dataDirectory: directory.cognito, port: this.cognitoPort, unemulatedServiceEndpoint: this.guard.endpoint }),
      startLocalApiGateway({ stateFile: directory.apiGatewayState }),
      startLocalSsm({ stateFile: directory.ssmState }),
      startLocalSts(),
    ]);
    this.track(cognito, apiGateway, ssm, sts);
    process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = cognito.endpoint;
    process.env.AWS_ENDPOINT_URL_API_GATEWAY = apiGateway.endpoint;
    process.env.AWS_ENDPOINT_URL_SSM = ssm.endpoint;
    process.env.AWS_ENDPOINT_URL_STS = sts.endpoint;

    let template: Promise<TenantTemplate> | undefined;
    const lifecycle = new LocalLifecycle({
      config,
      directory,
      template: () => (template ??= ensureTenantTemplate(directory.templates, config, this.progress)),
      log: (entry) => this.log(entry),
    });
    const busEndpoint = await startEventBridgeEndpoint(lifecycle.bus);
    this.track(busEndpoint);
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = busEndpoint.endpoint;
    process.env[ENV.eventBusName] = lifecycle.bus.identity.name;

    const bootstrap = await bootstrapApplicationPlane(config, `local-${hashSources(config).slice(0, 12)}`);
    process.env[ENV.controlPlaneUserPoolId] = bootstrap.controlPlaneUserPoolId;
    this.log({ level: 'info', message: 'lifecycle engines started', cognito: cognito.endpoint, apiGateway: apiGateway.endpoint, ssm: ssm.endpoint, bus: busEndpoint.endpoint });
    this.startedLifecycle = lifecycle;
    return lifecycle;
  }

  private track(...engines: Array<LocalEmulator | { stop(): Promise<void> }>): void {
    this.stoppables.push(...engines);
  }

  /** Repairs the state a process that died while holding the lock left behind. */
  private async recover(deadPid: number): Promise<void> {
    const reason = `interrupted: the sandbox process ${deadPid} ended before the operation finished`;
    const aborted = this.executionStore.abortRunning(reason);
    const tenants = await markInterruptedTenants(reason);
    this.log({ level: 'warn', message: 'recovered from a stale lock', deadPid, abortedExecutions: aborted.length, tenants: tenants.map((tenant) => tenant.tenantId) });
    if (aborted.length > 0 || tenants.length > 0) {
      this.progress(
        `the previous sandbox process (${deadPid}) ended while it was working: ${aborted.length} executions marked ABORTED, ` +
          `${tenants.length} tenants marked failed with the reason "interrupted"; onboard them again to retry`,
      );
    }
  }
}

/**
 * Points every AWS SDK client of this process at loopback: service endpoints are set as
 * engines start, and `AWS_ENDPOINT_URL` sends any other service to the guard. Credentials
 * are dummies, so the user's real ones are never sent to a local engine.
 */
function applySandboxEnvironment(config: PlatformConfig, guardEndpoint: string): void {
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
    delete process.env[name];
  }
  Object.assign(process.env, {
    ...LOCAL_CREDENTIALS,
    AWS_REGION: config.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: guardEndpoint,
    [ENV.controlPlaneSource]: config.eventSources.controlPlane,
    [ENV.applicationPlaneSource]: config.eventSources.applicationPlane,
    [ENV.tiers]: JSON.stringify(config.tiers.map((tier) => ({ name: tier.name, model: tier.model }))),
    [ENV.applicationPlaneParameterPath]: applicationPlaneParameterPath(config.prefix),
    [ENV.platformPrefix]: config.prefix,
    [ENV.eventBusName]: new ResourceNames(config.prefix).of('bus'),
  });
}

/** Deletes the sandbox state of `stateDirectory` under its lock; returns false when there was none. */
export function resetSandbox(stateDirectory: string, commandName: string): boolean {
  const directory = new StateDirectory(stateDirectory);
  if (!fs.existsSync(directory.root)) {
    return false;
  }
  directory.assertUsable();
  if (!directory.exists()) {
    return false;
  }
  const lock = acquireStateLock(directory.lockFile, directory.root, commandName);
  try {
    directory.reset();
  } finally {
    lock.release();
  }
  fs.rmSync(directory.lockFile, { force: true });
  if (fs.readdirSync(directory.root).length === 0) {
    fs.rmdirSync(directory.root);
  }
  return true;
}

export interface SandboxStatus {
  readonly stateDirectory: string;
  readonly createdAt?: string;
  readonly cognitoPort?: number;
  readonly executions: number;
  readonly deadLetters: number;
  /** The process holding the lock, if any. */
  readonly lockHolder?: string;
}

/** Reads what the state directory holds, without locking it or starting an engine. */
export function readSandboxStatus(stateDirectory: string): SandboxStatus {
  const directory = new StateDirectory(stateDirectory);
  if (!directory.exists()) {
    return { stateDirectory: directory.root, executions: 0, deadLetters: 0 };
  }
  const settings = directory.readSettings();
  const deadLetters = fs.existsSync(directory.deadLetters) ? fs.readFileSync(directory.deadLetters, 'utf8').split('\n').filter((line) => line.trim() !== '').length : 0;
  let lockHolder: string | undefined;
  try {
    const holder = JSON.parse(fs.readFileSync(directory.lockFile, 'utf8')) as { pid: number; command: string; acquiredAt: string };
    lockHolder = `process ${holder.pid} ("${holder.command}", since ${holder.acquiredAt})`;
  } catch {
    lockHolder = undefined;
  }
  return {
    stateDirectory: directory.root,
    createdAt: settings.createdAt,
    cognitoPort: settings.cognitoPort,
    executions: new ExecutionStore(directory.executions).list().length,
    deadLetters,
    ...(lockHolder ? { lockHolder } : {}),
  };
}

