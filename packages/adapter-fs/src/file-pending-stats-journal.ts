import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StatsError } from '@faf-replay/core';
import type { GameId, PendingStats, PendingStatsJournal } from '@faf-replay/core';
import { removeQuietly, syncDirectory, tempPathBeside, writeNewFileDurably } from './durable-file.js';

const suffix = '.stats.json';

/**
 * Stats records waiting for the database, one small file per game (`<id>.stats.json`), each
 * written to a temp file, fsync'd and renamed into place: a crash leaves the old or the new
 * record, never half of one.
 */
export class FilePendingStatsJournal implements PendingStatsJournal {
  readonly #dir: string;

  constructor(options: { readonly dir: string }) {
    this.#dir = options.dir;
  }

  async put(pending: PendingStats): Promise<void> {
    const path = this.#pathOf(pending.gameId);
    const temp = tempPathBeside(path);
    const line = JSON.stringify({ uid: String(pending.gameId), ...pending.stats });
    try {
      await mkdir(this.#dir, { recursive: true });
      await writeNewFileDurably(temp, [Buffer.from(line)]);
      await rename(temp, path);
      await syncDirectory(this.#dir);
    } catch (error) {
      await removeQuietly(temp);
      throw new StatsError(`cannot keep the stats of game ${pending.gameId} in ${this.#dir}`, {
        cause: error,
      });
    }
  }

  async list(): Promise<readonly PendingStats[]> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StatsError(`cannot read pending stats in ${this.#dir}`, { cause: error });
    }
    const records = await Promise.all(names.filter((n) => n.endsWith(suffix)).map((n) => this.#read(n)));
    return records.filter((record) => record !== undefined);
  }

  async remove(gameId: GameId): Promise<void> {
    try {
      await rm(this.#pathOf(gameId), { force: true });
    } catch (error) {
      throw new StatsError(`cannot forget the stats of game ${gameId}`, { cause: error });
    }
  }

  #pathOf(gameId: GameId): string {
    return join(this.#dir, `${gameId}${suffix}`);
  }

  /** A record that does not parse is left on disk for the operator and skipped. */
  async #read(name: string): Promise<PendingStats | undefined> {
    try {
      const parsed = JSON.parse(await readFile(join(this.#dir, name), 'utf8')) as {
        uid: string;
        ticks: number | null;
        available: boolean;
      };
      if (typeof parsed.available !== 'boolean') return undefined;
      return { gameId: BigInt(parsed.uid), stats: { ticks: parsed.ticks, available: parsed.available } };
    } catch {
      return undefined;
    }
  }
}
