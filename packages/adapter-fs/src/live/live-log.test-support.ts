import { mkdir, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { GameId, JournalEntry, RecoveredLog } from '@faf-replay/core';

import { makeTempDir } from '../testing/index.js';
import type { FileReplayLogStoreOptions } from './file-replay-log-store.js';
import { FileReplayLogStore } from './file-replay-log-store.js';
import type { LiveLogError } from './live-log-error.js';
import { heartbeatPath } from './owner-heartbeat.js';

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

/** Journal entries with their bytes as plain arrays, to compare with `toEqual`. */
export function plainEntries(entries: readonly JournalEntry[]): unknown[] {
  return entries.map((entry) => ('bytes' in entry ? { ...entry, bytes: [...entry.bytes] } : entry));
}

export interface Fault {
  readonly gameId: GameId;
  readonly error: LiveLogError;
}

/** An hour: a store of the sandbox writes its heartbeat once, at its first use, and never again. */
const HOUR_MS = 3_600_000;

/**
 * A temp live path and the stores opened over it, each one a process: `store()` is a restart.
 * Their tick and their heartbeat are an hour unless said otherwise, so that only `flush`/`sync`
 * write. When a store recovers, every store opened before it has died: its heartbeat is dated
 * 1970, older than any staleness bound. `cleanup` closes them all and removes the directory.
 */
export async function liveLogSandbox() {
  const temp = await makeTempDir('faf-live-log-');
  const stores: FileReplayLogStore[] = [];
  const dead = new Set<FileReplayLogStore>();
  const faults: Fault[] = [];
  /** Kills the stores opened before `survivor` (the one about to recover). */
  async function killEarlier(survivor: FileReplayLogStore): Promise<void> {
    for (const store of stores.slice(0, stores.indexOf(survivor))) {
      if (dead.has(store)) continue;
      dead.add(store);
      await killed(store, temp.path);
    }
  }
  class RestartedStore extends FileReplayLogStore {
    override async *recover(options: { readonly hotBytes: number }): AsyncIterable<RecoveredLog> {
      await killEarlier(this);
      yield* super.recover(options);
    }
  }
  const optionsOf = (options: Partial<FileReplayLogStoreOptions>): FileReplayLogStoreOptions => ({
    livePath: temp.path,
    fsyncIntervalMs: HOUR_MS,
    heartbeatIntervalMs: HOUR_MS,
    ownerStaleMs: 2 * HOUR_MS,
    onFault: (gameId, error) => faults.push({ gameId, error }),
    ...options,
  });
  return {
    livePath: temp.path,
    faults,
    store(options: Partial<FileReplayLogStoreOptions> = {}): FileReplayLogStore {
      const store = new RestartedStore(optionsOf(options));
      stores.push(store);
      return store;
    },
    /** A process running beside the others: recovering kills no store. */
    peer(options: Partial<FileReplayLogStoreOptions> = {}): FileReplayLogStore {
      const store = new FileReplayLogStore(optionsOf(options));
      stores.push(store);
      return store;
    },
    async cleanup(): Promise<void> {
      await Promise.all(stores.map((store) => store.close()));
      await temp.remove();
    },
  };
}

/**
 * Makes `store` look dead to its peers: its heartbeat (written now if never yet, or joined if under
 * way, so that no write lands after) is dated 1970. Its own timer must not beat again meanwhile.
 */
export async function killed(store: FileReplayLogStore, livePath: string): Promise<void> {
  // A closed store has no heartbeat left to date.
  if (
    !(await store.heartbeat().then(
      () => true,
      () => false,
    ))
  )
    return;
  await utimes(heartbeatPath(livePath, store.ownerId), 0, 0);
}

/** A game's directory as a process leaves it when it dies right after claiming it: an owner record, no file. */
export async function gameOfDeadOwner(livePath: string, gameId: GameId): Promise<string> {
  const dir = join(livePath, String(gameId));
  await mkdir(dir, { recursive: true });
  await symlink('a-process-long-dead', join(dir, 'owner.0'));
  return dir;
}
