import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileLimit } from './open-file-limit.js';

const dir = mkdtempSync(join(tmpdir(), 'open-file-limit-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function limitsFile(openFiles: string): string {
  const path = join(dir, `limits-${openFiles.replace(/\W/g, '_')}`);
  writeFileSync(
    path,
    [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             62987                62987                processes ',
      `Max open files            ${openFiles}                files     `,
      'Max locked memory         8388608              8388608              bytes     ',
      '',
    ].join('\n'),
  );
  return path;
}

describe('openFileLimit', () => {
  it("reads this process's soft limit, as `ulimit -n` reports it", () => {
    if (process.platform !== 'linux') throw new Error('this test reads /proc and needs Linux');
    const ulimit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
    expect(openFileLimit()).toBe(ulimit);
  });

  it('takes the soft limit, not the hard one', () => {
    expect(openFileLimit(limitsFile('1024                 524288'))).toBe(1024);
  });

  it('is undefined when unlimited, malformed or without /proc', () => {
    expect(openFileLimit(limitsFile('unlimited            unlimited'))).toBeUndefined();
    expect(openFileLimit(limitsFile(''))).toBeUndefined();
    expect(openFileLimit(join(dir, 'no-such-file'))).toBeUndefined();
  });
});
