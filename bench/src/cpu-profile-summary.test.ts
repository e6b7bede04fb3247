import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newestCpuProfile, readCpuProfile, summarizeCpuProfile } from './cpu-profile-summary.ts';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber });

const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3] },
    { id: 2, callFrame: frame('(idle)') },
    {
      id: 3,
      callFrame: frame('merge', 'file:///work/main/packages/core/dist/merge/quorum-merge.js', 9),
      children: [4],
    },
    { id: 4, callFrame: frame('concat', 'node:buffer', 627) },
  ],
  samples: [2, 2, 3, 4, 4, 4],
  timeDeltas: [10_000, 10_000, 5_000, 5_000, 5_000, 5_000],
};

describe('summarizeCpuProfile', () => {
  it('ranks self time over busy time, with each function’s main caller', () => {
    const summary = summarizeCpuProfile(profile);
    expect(summary.busyMs).toBe(20);
    expect(summary.idleMs).toBe(20);
    expect(summary.top).toEqual([
      {
        function: 'concat',
        location: 'node:buffer:628',
        selfMs: 15,
        selfShare: 0.75,
        topCaller: 'merge (packages/core/dist/merge/quorum-merge.js:10)',
      },
      {
        function: 'merge',
        location: 'packages/core/dist/merge/quorum-merge.js:10',
        selfMs: 5,
        selfShare: 0.25,
        topCaller: '(root)',
      },
    ]);
  });

  it('finds and reads the newest profile of a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faf-bench-test-'));
    writeFileSync(join(dir, 'old.cpuprofile'), '{}');
    utimesSync(join(dir, 'old.cpuprofile'), new Date(1_000), new Date(1_000));
    writeFileSync(join(dir, 'new.cpuprofile'), JSON.stringify(profile));
    writeFileSync(join(dir, 'notes.txt'), '');
    const newest = newestCpuProfile(dir);
    expect(newest).toBe(join(dir, 'new.cpuprofile'));
    expect(readCpuProfile(newest ?? '').samples).toHaveLength(6);
  });
});
