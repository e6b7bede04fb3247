import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StatsError } from '@faf-replay/core';
import type { GameId, PendingStats, PendingStatsJournal } from '@faf-replay/core';
import { isErrnoError, openRegularFile, publishFile } from './durable-file.js';
import { checkedTimeout, DEFAULT_IO_TIMEOUT_MS, withIoTimeout } from './io-watchdog.js';

const suffix = '.stats.json';
/** A record is a few dozen bytes; a file much larger is not one, and is not read. */
const MAX_RECORD_BYTES = 4096;

export interface FilePendingStatsJournalOptions {
  readonly dir: string;
  /**
   * How long a journal call may go without progress before it fails with a `StatsError`
   * (default 60 s, `storage.io_timeout_s`); when listing, the bound is per file.
   */
  readonly ioTimeoutMs?: number;
}

/**
 * Stats records waiting for the database, one small file per game (`<id>.stats.json`), each
 * written to a temp file, fsync'd and renamed into place: a crash leaves the old or the new
 * record, never half of one.
 */
export class FilePendingStatsJournal implements PendingStatsJournal {
  readonly #dir: string;
  readonly #ioTimeoutMs: number;

  constructor(options: FilePendingStatsJournalOptions) {
    this.#dir = options.dir;
    this.#ioTimeoutMs = checkedTimeout(options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS);
  }

  async put(pending: PendingStats): Promise<void> {
    const line = JSON.stringify({ uid: String(pending.gameId), ...pending.stats });
    try {
      await withIoTimeout(this.#ioTimeoutMs, `keeping the stats of game ${pending.gameId}`, (watchdog) =>
        publishFile(this.#pathOf(pending.gameId), (handle) => handle.writeFile(line), {
          exclusive: false,
          watchdog,
        }),
      );
    } catch (error) {
      throw new StatsError(`cannot keep the stats of game ${pending.gameId} in ${this.#dir}`, {
        cause: error,
      });
    }
  }

  /** Every readable record; one that cannot be read or parsed is left on disk for the operator and skipped. */
  async list(): Promise<readonly PendingStats[]> {
    let names: string[];
    try {
      names = await withIoTimeout(this.#ioTimeoutMs, `listing ${this.#dir}`, () => readdir(this.#dir));
    } catch (error) {
      if (isErrnoError(error, 'ENOENT')) return [];
      throw new StatsError(`cannot read pending stats in ${this.#dir}`, { cause: error });
    }
    const records: PendingStats[] = [];
    for (const name of names.filter((n) => n.endsWith(suffix))) {
      const record = await withIoTimeout(this.#ioTimeoutMs, `reading ${name}`, () => this.#read(name)).catch(
        () => undefined,
      );
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  async remove(gameId: GameId): Promise<void> {
    try {
      await withIoTimeout(this.#ioTimeoutMs, `forgetting the stats of game ${gameId}`, () =>
        rm(this.#pathOf(gameId), { force: true }),
      );
    } catch (error) {
      throw new StatsError(`cannot forget the stats of game ${gameId}`, { cause: error });
    }
  }

  #pathOf(gameId: GameId): string {
    return join(this.#dir, `${gameId}${suffix}`);
  }

  async #read(name: string): Promise<PendingStats | undefined> {
    const { handle, size } = await openRegularFile(join(this.#dir, name));
    try {
      if (size > MAX_RECORD_BYTES) return undefined;
      const parsed = JSON.parse(await handle.readFile('utf8')) as {
        uid: string;
        ticks: number | null;
        available: boolean;
      };
      if (typeof parsed.available !== 'boolean') return undefined;
      return { gameId: BigInt(parsed.uid), stats: { ticks: parsed.ticks, available: parsed.available } };
    } catch {
      return undefined;
    } finally {
      await handle.close();
    }
  }
}
