import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The signal on which the server under test writes a heap snapshot (`--heapsnapshot-signal`):
 * one the server does not handle itself (SIGUSR2 starts a drain).
 */
const SNAPSHOT_SIGNAL = 'SIGTTOU';
const POLL_MS = 100;

/** Node flags that make a process write a heap snapshot into `dir` on `SNAPSHOT_SIGNAL`. */
export function heapSnapshotFlags(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return [`--heapsnapshot-signal=${SNAPSHOT_SIGNAL}`, `--diagnostic-dir=${dir}`];
}

/**
 * Asks process `pid` for a heap snapshot (V8 collects all garbage first) and returns the bytes
 * still reachable: every object's own size, array buffers' contents included. The snapshot
 * file is removed once read. The process stalls while it writes (about a second per 50 MB).
 */
export async function reachableHeapBytes(pid: number, dir: string, timeoutMs = 60_000): Promise<number> {
  const before = new Set(snapshotFiles(dir));
  process.kill(pid, SNAPSHOT_SIGNAL);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const file = snapshotFiles(dir).find((name) => !before.has(name));
    const heap = file === undefined ? undefined : await completeSnapshot(join(dir, file));
    if (file !== undefined && heap !== undefined) {
      rmSync(join(dir, file));
      return selfSizeTotal(heap);
    }
    if (performance.now() > deadline) throw new Error(`no heap snapshot from process ${pid} in ${dir}`);
    await delay(POLL_MS);
  }
}

/** The parts of V8's `.heapsnapshot` format that the total needs. */
export interface HeapSnapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[] } };
  readonly nodes: readonly number[];
}

/** The sum of every node's `self_size`. */
export function selfSizeTotal(heap: HeapSnapshot): number {
  const fields = heap.snapshot.meta.node_fields;
  const selfSize = fields.indexOf('self_size');
  if (selfSize < 0) throw new Error('a heap snapshot without self_size');
  let total = 0;
  for (let i = selfSize; i < heap.nodes.length; i += fields.length) total += heap.nodes[i] ?? 0;
  return total;
}

function snapshotFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.heapsnapshot'));
}

/** The snapshot once its file is whole (it is written in pieces); undefined while it is not. */
async function completeSnapshot(path: string): Promise<HeapSnapshot | undefined> {
  const size = statSync(path).size;
  await delay(POLL_MS);
  if (size === 0 || statSync(path).size !== size) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshot;
  } catch {
    return undefined;
  }
}
