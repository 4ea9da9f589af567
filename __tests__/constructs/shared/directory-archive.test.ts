import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { writeDirectoryArchive, zipDirectory } from '../../../constructs/shared/directory-archive';

/** Lists `name mode size` of every entry with Python's zipfile, a reader independent of ours, after testing every CRC. */
function listWithPython(archive: string): string[] {
  const script = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'bad = z.testzip()',
    'assert bad is None, bad',
    'for info in z.infolist():',
    '    print(info.filename, oct(info.external_attr >> 16), info.file_size, len(z.read(info.filename)))',
  ].join('\n');
  return execFileSync('python3', ['-c', script, archive], { encoding: 'utf8' }).trim().split('\n');
}

describe('zipDirectory', () => {
  let folder: string;

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantform-zip-'));
    fs.mkdirSync(path.join(folder, 'source', 'nested'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'source', 'index.js'), 'exports.handler = async () => 42;\n'.repeat(200));
    fs.writeFileSync(path.join(folder, 'source', 'nested', 'run.sh'), '#!/bin/bash\necho ok\n', { mode: 0o755 });
    fs.writeFileSync(path.join(folder, 'source', 'empty.txt'), '');
  });

  afterEach(() => {
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('writes a zip another reader accepts', () => {
    const archive = path.join(folder, 'out', 'bundle.zip');
    writeDirectoryArchive(path.join(folder, 'source'), archive);
    expect(listWithPython(archive)).toEqual(['empty.txt 0o100644 0 0', 'index.js 0o100644 6800 6800', 'nested/run.sh 0o100755 20 20']);
  });

  it('gives the same bytes for the same files', () => {
    const first = zipDirectory(path.join(folder, 'source'));
    fs.utimesSync(path.join(folder, 'source', 'index.js'), new Date('2001-01-01'), new Date('2001-01-01'));
    const second = zipDirectory(path.join(folder, 'source'));
    expect(Buffer.compare(first, second)).toBe(0);
  });

  it('gives other bytes when a file changes', () => {
    const first = zipDirectory(path.join(folder, 'source'));
    fs.appendFileSync(path.join(folder, 'source', 'index.js'), '// changed\n');
    expect(Buffer.compare(first, zipDirectory(path.join(folder, 'source')))).not.toBe(0);
  });

  it('makes files readable by everyone', () => {
    fs.chmodSync(path.join(folder, 'source', 'index.js'), 0o600);
    const archive = path.join(folder, 'private.zip');
    writeDirectoryArchive(path.join(folder, 'source'), archive);
    expect(listWithPython(archive)[1]).toBe('index.js 0o100644 6800 6800');
  });

  it('zips an empty folder', () => {
    fs.mkdirSync(path.join(folder, 'nothing'));
    const archive = path.join(folder, 'nothing.zip');
    writeDirectoryArchive(path.join(folder, 'nothing'), archive);
    expect(fs.statSync(archive).size).toBe(22);
    expect(execFileSync('python3', ['-c', 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).infolist()))', archive], { encoding: 'utf8' }).trim()).toBe('0');
  });
});
