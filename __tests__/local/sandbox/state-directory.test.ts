import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { DEFAULT_STATE_DIR, resolveStateDirectory, StateDirectory, StateDirectoryError } from '../../../local/sandbox/state-directory';
import { acquireStateLock, StateDirectoryLockedError } from '../../../local/sandbox/process-lock';

const created: string[] = [];

function tempDir(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-state-'));
  created.push(directory);
  return directory;
}

afterAll(() => created.forEach((directory) => fs.rmSync(directory, { recursive: true, force: true })));

describe('state directory location', () => {
  test('option wins over the environment', () => {
    expect(resolveStateDirectory('a', { TENANTFORM_STATE_DIR: 'b' }, '/work')).toBe('/work/a');
  });

  test('environment wins over the default', () => {
    expect(resolveStateDirectory(undefined, { TENANTFORM_STATE_DIR: '/tmp/x' }, '/work')).toBe('/tmp/x');
  });

  test('default is under the working directory', () => {
    expect(resolveStateDirectory(undefined, {}, '/work')).toBe(path.join('/work', DEFAULT_STATE_DIR));
  });
});

describe('state directory settings', () => {
  test('settings are created once', () => {
    const directory = new StateDirectory(path.join(tempDir(), 'sandbox'));

    const created = directory.open(() => ({ cognitoPort: 41000 }));
    const reopened = directory.open(() => ({ cognitoPort: 42000 }));

    expect(created.cognitoPort).toBe(41000);
    expect(reopened.cognitoPort).toBe(41000);
    expect(reopened.createdAt).toBe(created.createdAt);
  });

  test('non-empty foreign folder is refused', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'notes.txt'), 'mine');

    expect(() => new StateDirectory(root).open(() => ({ cognitoPort: 1 }))).toThrow(StateDirectoryError);
    expect(() => new StateDirectory(root).open(() => ({ cognitoPort: 1 }))).toThrow('not a sandbox state directory');
    expect(fs.readdirSync(root)).toEqual(['notes.txt']);
  });

  test('reset refuses a foreign folder', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'notes.txt'), 'mine');

    expect(() => new StateDirectory(root).reset()).toThrow('nothing was deleted');
    expect(fs.existsSync(path.join(root, 'notes.txt'))).toBe(true);
  });

  test('reset deletes data and keeps the lock', () => {
    const directory = new StateDirectory(tempDir());
    directory.open(() => ({ cognitoPort: 41000 }));
    fs.mkdirSync(directory.dynamoDb);
    fs.writeFileSync(path.join(directory.dynamoDb, 'CURRENT'), 'x');
    fs.writeFileSync(directory.lockFile, '{}');

    directory.reset();

    expect(fs.readdirSync(directory.root)).toEqual(['lock.json']);
  });

  test('unreadable settings name the fix', () => {
    const directory = new StateDirectory(tempDir());
    fs.writeFileSync(directory.settingsFile, '{broken');

    expect(() => directory.readSettings()).toThrow('tenantform sandbox reset');
  });
});

describe('state directory lock', () => {
  test('second holder in this process is refused', () => {
    const root = tempDir();
    const lock = acquireStateLock(path.join(root, 'lock.json'), root, 'tenants list');
    try {
      expect(() => acquireStateLock(path.join(root, 'lock.json'), root, 'tenants show')).toThrow(StateDirectoryLockedError);
      expect(() => acquireStateLock(path.join(root, 'lock.json'), root, 'tenants show')).toThrow(`process ${process.pid}`);
    } finally {
      lock.release();
    }
    expect(fs.existsSync(path.join(root, 'lock.json'))).toBe(false);
  });

  test('live process elsewhere holds the lock', async () => {
    const root = tempDir();
    const file = path.join(root, 'lock.json');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: holder.pid, hostname: os.hostname(), command: 'tenants onboard', acquiredAt: 'now' }));

      expect(() => acquireStateLock(file, root, 'tenants list')).toThrow(`in use by process ${holder.pid} ("tenants onboard"`);
    } finally {
      holder.kill();
    }
  });

  test('stale lock of a dead process is taken over', () => {
    const root = tempDir();
    const file = path.join(root, 'lock.json');
    const finished = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(finished.stdout);
    fs.writeFileSync(file, JSON.stringify({ pid: deadPid, hostname: os.hostname(), command: 'tenants onboard', acquiredAt: 'then' }));

    const lock = acquireStateLock(file, root, 'tenants list');

    expect(lock.staleHolder?.pid).toBe(deadPid);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  test('torn lock file is taken over', () => {
    const root = tempDir();
    const file = path.join(root, 'lock.json');
    fs.writeFileSync(file, '{"pid": 12');

    const lock = acquireStateLock(file, root, 'tenants list');

    expect(lock.staleHolder).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).command).toBe('tenants list');
    lock.release();
  });

  test('release leaves another holder alone', () => {
    const root = tempDir();
    const file = path.join(root, 'lock.json');
    const lock = acquireStateLock(file, root, 'tenants list');
    fs.writeFileSync(file, JSON.stringify({ pid: 1, hostname: 'elsewhere', command: 'x', acquiredAt: 'now' }));

    lock.release();

    expect(fs.existsSync(file)).toBe(true);
  });
});
