/**
 * The sandbox's state directory: where each local engine keeps its data so the sandbox
 * survives between CLI commands, and the settings fixed when it was first created.
 */
import * as fs from 'fs';
import * as path from 'path';

export const STATE_DIR_ENV = 'TENANTFORM_STATE_DIR';
/** Default state directory, relative to the working directory. */
export const DEFAULT_STATE_DIR = path.join('.tenantform', 'local');

/** File whose presence marks a folder as a sandbox state directory. */
const MARKER_FILE = 'sandbox.json';

/** Settings fixed when the state directory is created and kept for its lifetime. */
export interface SandboxSettings {
  readonly formatVersion: 1;
  readonly createdAt: string;
  /** Loopback port of cognito-local; fixed because its token issuer contains the port. */
  readonly cognitoPort: number;
}

export class StateDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateDirectoryError';
  }
}

/** Resolves the state directory from the option, then TENANTFORM_STATE_DIR, then the default. */
export function resolveStateDirectory(option: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return path.resolve(cwd, option || env[STATE_DIR_ENV] || DEFAULT_STATE_DIR);
}

export class StateDirectory {
  constructor(readonly root: string) {}

  get settingsFile(): string {
    return path.join(this.root, MARKER_FILE);
  }

  get lockFile(): string {
    return path.join(this.root, 'lock.json');
  }

  /** dynalite's LevelDB folder. */
  get dynamoDb(): string {
    return path.join(this.root, 'dynamodb');
  }

  /** cognito-local's data folder: one JSON file per user pool and one for clients. */
  get cognito(): string {
    return path.join(this.root, 'cognito');
  }

  get apiGatewayState(): string {
    return path.join(this.root, 'emulators', 'api-gateway.json');
  }

  get ssmState(): string {
    return path.join(this.root, 'emulators', 'ssm.json');
  }

  /** One JSON file per state machine execution. */
  get executions(): string {
    return path.join(this.root, 'executions');
  }

  get deadLetters(): string {
    return path.join(this.root, 'events', 'dead-letters.jsonl');
  }

  /** Every event the bus accepted, one per line, like an EventBridge archive. */
  get eventArchive(): string {
    return path.join(this.root, 'events', 'archive.jsonl');
  }

  /** Synthesised tenant templates, one folder per hash of their sources. */
  get templates(): string {
    return path.join(this.root, 'templates');
  }

  /** Terraform CLI configuration and plugin cache shared by the tenants' jobs. */
  get terraform(): string {
    return path.join(this.root, 'terraform');
  }

  /** Working directory of one silo tenant's provisioning job: its plan and local state. */
  tenantJob(tenantId: string): string {
    return path.join(this.root, 'tenants', tenantId);
  }

  get logFile(): string {
    return path.join(this.root, 'sandbox.log');
  }

  exists(): boolean {
    return fs.existsSync(this.settingsFile);
  }

  /**
   * Creates the directory and its settings on first use, and returns the settings. A
   * non-empty folder without the marker file is not taken over, because `sandbox reset`
   * deletes whatever a state directory contains.
   */
  open(createSettings: () => Omit<SandboxSettings, 'formatVersion' | 'createdAt'>): SandboxSettings {
    if (this.exists()) {
      return this.readSettings();
    }
    this.assertUsable();

    fs.mkdirSync(this.root, { recursive: true });
    const settings: SandboxSettings = { formatVersion: 1, createdAt: new Date().toISOString(), ...createSettings() };
    writeJsonAtomically(this.settingsFile, settings);
    return settings;
  }

  /** Throws unless the folder is a state directory, empty, or missing. */
  assertUsable(): void {
    if (this.exists() || !fs.existsSync(this.root)) {
      return;
    }
    if (!fs.statSync(this.root).isDirectory()) {
      throw new StateDirectoryError(`state directory ${this.root} is a file; choose another path with --state-dir`);
    }
    const entries = fs.readdirSync(this.root).filter((entry) => entry !== path.basename(this.lockFile));
    if (entries.length > 0) {
      throw new StateDirectoryError(
        `${this.root} is not empty and is not a sandbox state directory (it has no ${MARKER_FILE}); ` +
          'choose an empty or new folder with --state-dir',
      );
    }
  }

  readSettings(): SandboxSettings {
    let parsed: SandboxSettings;
    try {
      parsed = JSON.parse(fs.readFileSync(this.settingsFile, 'utf8')) as SandboxSettings;
    } catch (error) {
      throw new StateDirectoryError(
        `${this.settingsFile} is not readable JSON (${(error as Error).message}); run "tenantform sandbox reset" to start over`,
      );
    }
    if (parsed.formatVersion !== 1 || !Number.isInteger(parsed.cognitoPort)) {
      throw new StateDirectoryError(
        `${this.settingsFile} has format version ${JSON.stringify(parsed.formatVersion)}, which this version does not read; ` +
          'run "tenantform sandbox reset" to start over',
      );
    }
    return parsed;
  }

  /**
   * Deletes everything the sandbox stored but keeps the lock file, which the caller holds.
   * Refuses a folder that is not a sandbox state directory.
   */
  reset(): void {
    if (!fs.existsSync(this.root)) {
      return;
    }
    if (!this.exists()) {
      throw new StateDirectoryError(`${this.root} is not a sandbox state directory (it has no ${MARKER_FILE}); nothing was deleted`);
    }
    for (const entry of fs.readdirSync(this.root)) {
      const entryPath = path.join(this.root, entry);
      if (entryPath !== this.lockFile) {
        fs.rmSync(entryPath, { recursive: true, force: true });
      }
    }
  }
}

/** Writes `value` as JSON through a temporary file and a rename, so readers never see half a file. */
export function writeJsonAtomically(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(temporary, file);
}
