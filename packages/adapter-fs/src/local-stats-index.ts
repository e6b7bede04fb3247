import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { GameId, GameStatsSink, ReplayStats } from '@faf-replay/core';
import { StatsError } from '@faf-replay/core';
import { checkedTimeout, DEFAULT_IO_TIMEOUT_MS, withIoTimeout } from './io-watchdog.js';

export const STATS_INDEX_FILE = 'replay-index.jsonl';

export function statsIndexPath(vaultRoot: string): string {
  return join(vaultRoot, STATS_INDEX_FILE);
}

export interface LocalStatsIndexOptions {
  readonly vaultRoot: string;
  /** Wall-clock milliseconds, for `recorded_at`. */
  readonly now?: () => number;
  /**
   * How long a record may wait for the disk (its turn included) before it fails with a
   * `StatsError` (default 60 s, `storage.io_timeout_s`).
   */
  readonly ioTimeoutMs?: number;
}

/**
 * Standalone mode's `game_stats`: one JSON line per record appended to
 * `<vaultRoot>/replay-index.jsonl` and fsync'd, e.g.
 * `{"uid":"2000","ticks":1928,"available":true,"recorded_at":1700000000}` (`uid` a string: it is
 * a u64; `recorded_at` in unix seconds). Appending keeps every write O(1) and crash-safe; the
 * rule that availability is never downgraded is applied when reading (`readStatsIndex`).
 */
export class LocalStatsIndex implements GameStatsSink {
  readonly #path: string;
  readonly #vaultRoot: string;
  readonly #now: () => number;
  readonly #ioTimeoutMs: number;
  #handle: Promise<FileHandle> | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: LocalStatsIndexOptions) {
    this.#vaultRoot = options.vaultRoot;
    this.#path = statsIndexPath(options.vaultRoot);
    this.#now = options.now ?? Date.now;
    this.#ioTimeoutMs = checkedTimeout(options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS);
  }

  async record(gameId: GameId, stats: ReplayStats): Promise<void> {
    const line = `${JSON.stringify({
      uid: gameId.toString(),
      ticks: stats.ticks,
      available: stats.available,
      recorded_at: Math.floor(this.#now() / 1000),
    })}\n`;
    const appended = this.#tail.then(() => this.#append(gameId, line));
    this.#tail = appended.catch(() => undefined);
    try {
      await withIoTimeout(this.#ioTimeoutMs, `recording stats of game ${gameId}`, () => appended);
    } catch (cause) {
      if (cause instanceof StatsError) throw cause;
      throw new StatsError(`could not record stats of game ${gameId} in ${this.#path}`, { cause });
    }
  }

  /** Closes the file; a later `record` opens it again. Bounded like a record: a hung disk fails it with a `StatsError`. */
  async close(): Promise<void> {
    try {
      await withIoTimeout(this.#ioTimeoutMs, `closing ${this.#path}`, async () => {
        await this.#tail;
        await this.#closeHandle();
      });
    } catch (cause) {
      throw new StatsError(`could not close ${this.#path}`, { cause });
    }
  }

  async #append(gameId: GameId, line: string): Promise<void> {
    try {
      this.#handle ??= this.#open();
      const handle = await this.#handle;
      await handle.appendFile(line);
      await handle.sync();
    } catch (cause) {
      await this.#closeHandle().catch(() => undefined);
      throw new StatsError(`could not record stats of game ${gameId} in ${this.#path}`, { cause });
    }
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await (await handle?.catch(() => undefined))?.close();
  }

  /** A crash can leave a last line without its `\n`; ending it keeps the next record on its own line. */
  async #open(): Promise<FileHandle> {
    await mkdir(this.#vaultRoot, { recursive: true });
    const handle = await open(this.#path, 'a+', 0o644);
    try {
      await endLastLine(handle);
      return handle;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}

async function endLastLine(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] !== 0x0a) await handle.appendFile('\n');
}
