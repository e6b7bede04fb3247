import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FinishedReplay, GameId, ReplaySpool } from '@faf-replay/core';
import { SpoolError } from '@faf-replay/core';
import {
  isErrnoError,
  removeQuietly,
  syncDirectory,
  tempPathBeside,
  writeNewFileDurably,
} from './durable-file.js';
import type { SpoolRecord } from './spool-record.js';
import { decodeSpoolRecord, encodeSpoolRecord } from './spool-record.js';

const SPOOL_FILE = /^(\d+)\.spool$/;

export interface FileReplaySpoolOptions {
  readonly spoolDir: string;
  /** Wall-clock milliseconds, to order kept replays oldest first across restarts. */
  readonly now?: () => number;
}

/** A spool file that could not be decoded; it is left in place for the operator. */
export interface UnreadableSpoolFile {
  readonly path: string;
  readonly error: unknown;
}

export interface SpoolScan {
  /** Oldest first. */
  readonly replays: readonly FinishedReplay[];
  readonly unreadable: readonly UnreadableSpoolFile[];
}

/**
 * The spool as one `<gameId>.spool` file per replay (format in `spool-record.ts`), each written
 * to a temp file, fsync'd, then renamed into place. Keeping a game again replaces its file: the
 * port identifies kept replays by game id alone.
 */
export class FileReplaySpool implements ReplaySpool {
  readonly #spoolDir: string;
  readonly #now: () => number;

  constructor(options: FileReplaySpoolOptions) {
    this.#spoolDir = options.spoolDir;
    this.#now = options.now ?? Date.now;
  }

  async keep(replay: FinishedReplay): Promise<void> {
    const path = this.#pathOf(replay.gameId);
    const tempPath = tempPathBeside(path);
    try {
      await mkdir(this.#spoolDir, { recursive: true });
      await writeNewFileDurably(tempPath, encodeSpoolRecord(replay, this.#now()));
      await rename(tempPath, path);
      await syncDirectory(this.#spoolDir);
    } catch (cause) {
      await removeQuietly(tempPath);
      throw new SpoolError(`could not keep replay ${replay.gameId} in ${this.#spoolDir}`, { cause });
    }
  }

  /** The readable kept replays, oldest first; `scan()` also reports the unreadable files. */
  async list(): Promise<readonly FinishedReplay[]> {
    return (await this.scan()).replays;
  }

  /**
   * Every spool file: decoded ones oldest first, and the ones that do not decode (left in place,
   * never deleted) so that the app can tell the operator. Throws a `SpoolError` if the directory
   * or a file cannot be read at all.
   */
  async scan(): Promise<SpoolScan> {
    const records: SpoolRecord[] = [];
    const unreadable: UnreadableSpoolFile[] = [];
    for (const path of await this.#spoolFiles()) {
      const bytes = await readFile(path).catch((cause: unknown) => {
        throw new SpoolError(`could not read ${path}`, { cause });
      });
      try {
        records.push(decodeSpoolRecord(bytes));
      } catch (error) {
        unreadable.push({ path, error });
      }
    }
    records.sort((a, b) => a.keptAtMs - b.keptAtMs || compareBigints(a.replay.gameId, b.replay.gameId));
    return { replays: records.map((record) => record.replay), unreadable };
  }

  async release(gameId: GameId): Promise<void> {
    try {
      await rm(this.#pathOf(gameId), { force: true });
      await syncDirectory(this.#spoolDir);
    } catch (cause) {
      if (isErrnoError(cause, 'ENOENT')) return;
      throw new SpoolError(`could not release replay ${gameId} from ${this.#spoolDir}`, { cause });
    }
  }

  async #spoolFiles(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.#spoolDir);
    } catch (cause) {
      if (isErrnoError(cause, 'ENOENT')) return [];
      throw new SpoolError(`could not list ${this.#spoolDir}`, { cause });
    }
    return names.filter((name) => SPOOL_FILE.test(name)).map((name) => join(this.#spoolDir, name));
  }

  #pathOf(gameId: GameId): string {
    return join(this.#spoolDir, `${gameId.toString()}.spool`);
  }
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
