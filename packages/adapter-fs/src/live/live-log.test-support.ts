import type { GameId, JournalEntry } from '@faf-replay/core';
import { firstDifference } from '@faf-replay/fixtures';
import { expect } from 'vitest';
import { makeTempDir } from '../testing/index.js';
import type { FileReplayLogStoreOptions } from './file-replay-log-store.js';
import { FileReplayLogStore } from './file-replay-log-store.js';
import type { LiveLogError } from './live-log-error.js';

/** Deterministic pseudo-random bytes: no two seeds share a run long enough to be found by mistake. */
export function pseudoBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export async function readAll(iterable: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(chunk.slice());
  return concat(chunks);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Equal bytes; a failure names the first differing offset. */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect({ length: actual.length, firstDifference: firstDifference(actual, expected) }).toEqual({
    length: expected.length,
    firstDifference: -1,
  });
}

/** Journal entries with their bytes as plain arrays, to compare with `toEqual`. */
export function plainEntries(entries: readonly JournalEntry[]): unknown[] {
  return entries.map((entry) => ('bytes' in entry ? { ...entry, bytes: [...entry.bytes] } : entry));
}

export interface Fault {
  readonly gameId: GameId;
  readonly error: LiveLogError;
}

/**
 * A temp live path and the stores opened over it, each one a process: `store()` is a restart.
 * Their tick is an hour unless said otherwise, so that only `flush`/`sync` write. `cleanup` closes
 * them all and removes the directory.
 */
export async function liveLogSandbox() {
  const temp = await makeTempDir('faf-live-log-');
  const stores: FileReplayLogStore[] = [];
  const faults: Fault[] = [];
  return {
    livePath: temp.path,
    faults,
    store(options: Partial<FileReplayLogStoreOptions> = {}): FileReplayLogStore {
      const store = new FileReplayLogStore({
        livePath: temp.path,
        fsyncIntervalMs: 3_600_000,
        onFault: (gameId, error) => faults.push({ gameId, error }),
        ...options,
      });
      stores.push(store);
      return store;
    },
    async cleanup(): Promise<void> {
      await Promise.all(stores.map((store) => store.close()));
      await temp.remove();
    },
  };
}
