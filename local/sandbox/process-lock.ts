/**
 * A lock file that lets one process at a time use a state directory, because dynalite's
 * LevelDB store and cognito-local's JSON files are single-process. The file records the
 * holder's PID. A lock whose process is gone is stale and is taken over, and the result
 * names the stale holder so the caller can repair what the dead process left unfinished.
 */
import * as fs from 'fs';
import * as os from 'os';

export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly command: string;
  readonly acquiredAt: string;
}

export interface StateLock {
  readonly file: string;
  /** The holder of a stale lock that was taken over, if any. */
  readonly staleHolder?: LockHolder;
  release(): void;
}

export class StateDirectoryLockedError extends Error {
  constructor(
    readonly holder: LockHolder,
    directory: string,
  ) {
    super(
      `state directory ${directory} is in use by process ${holder.pid} ("${holder.command}", since ${holder.acquiredAt}); ` +
        `wait for it to finish or stop it, or use another --state-dir`,
    );
    this.name = 'StateDirectoryLockedError';
  }
}

/** Takes the lock in `file` for this process, or throws `StateDirectoryLockedError` naming the holder. */
export function acquireStateLock(file: string, directory: string, command: string): StateLock {
  const holder: LockHolder = { pid: process.pid, hostname: os.hostname(), command, acquiredAt: new Date().toISOString() };
  let staleHolder: LockHolder | undefined;

  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (tryCreate(file, holder)) {
      // Two processes that both found the same stale lock could both remove it. The
      // second remover's lock wins, and the first process detects that by reading it back.
      // NOTE: if the first process reads back before the second one removes the file, both
      // proceed. The window lies between a removal and a create, and opens only after a holder died.
      const written = readHolder(file);
      if (written && written.pid !== holder.pid) {
        throw new StateDirectoryLockedError(written, directory);
      }
      return { file, staleHolder, release: () => releaseLock(file, holder.pid) };
    }

    const existing = readHolder(file);
    if (existing && isAlive(existing)) {
      throw new StateDirectoryLockedError(existing, directory);
    }
    staleHolder = existing;
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not take the lock ${file} after removing a stale lock; another process is starting on ${directory}`);
}

function tryCreate(file: string, holder: LockHolder): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(holder) + '\n', { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    // A file cut short by a crash, or removed meanwhile, names no holder.
    return undefined;
  }
}

/**
 * Checks whether the lock holder still runs. A holder on another host (a shared folder) counts
 * as alive, because its PID cannot be checked from here. On Linux a live PID whose
 * command line is not a Node.js process is a reused PID, so the lock is stale.
 */
function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) {
    return true;
  }
  if (holder.pid === process.pid) {
    return true;
  }
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const commandLine = `/proc/${holder.pid}/cmdline`;
  if (fs.existsSync(commandLine)) {
    return /node|tenantform/.test(fs.readFileSync(commandLine, 'utf8'));
  }
  return true;
}

function releaseLock(file: string, pid: number): void {
  const current = readHolder(file);
  if (current?.pid === pid) {
    fs.rmSync(file, { force: true });
  }
}
