import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heapSnapshotFlags, reachableHeapBytes, selfSizeTotal } from './heap-snapshot.ts';

describe('heap snapshots of the server under test', () => {
  it('sums every node self size of a snapshot', () => {
    const heap = {
      snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'] } },
      nodes: [3, 1, 1, 100, 0, 9, 2, 3, 65_536, 1],
    };
    expect(selfSizeTotal(heap)).toBe(65_636);
    expect(() => selfSizeTotal({ snapshot: { meta: { node_fields: ['type'] } }, nodes: [] })).toThrow(
      /self_size/,
    );
  });

  it('asks a live process for one and counts what it holds, array buffers included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heap-snapshot-'));
    // A process that holds 8 MB in an array buffer and says when it is ready.
    const holder = spawn(
      process.execPath,
      [
        ...heapSnapshotFlags(dir),
        '-e',
        'globalThis.held = new Uint8Array(8e6).fill(1); process.stdout.write("ready\\n"); setInterval(() => {}, 1e3);',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout, 'data');
      const bytes = await reachableHeapBytes(holder.pid ?? 0, dir, 30_000);
      expect(bytes).toBeGreaterThan(8e6);
      expect(bytes).toBeLessThan(60e6);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
