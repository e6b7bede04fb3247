import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FinishedReplay, GameId, ReplaySpool, SpoolOutcome } from '@faf-replay/core';
import { SpoolError } from '@faf-replay/core';
import { isErrnoError, publishFile, syncDirectory } from './durable-file.js';
import type { IoWatchdog } from './io-watchdog.js';
import { checkedTimeout, DEFAULT_IO_TIMEOUT_MS, withIoTimeout } from './io-watchdog.js';
import type { SpoolRecord } from './read-spool-file.js';
import { readSpoolFile } from './read-spool-file.js';
import { encodeSpoolDescription } from './spool-record.js';

const SPOOL_FILE = /^(\d+)\.spool$/;

export interface FileReplaySpoolOptions {
  readonly spoolDir: string;
  /** Wall-clock milliseconds, to order kept replays oldest first across restarts. */
  readonly now?: () => number;
  /**
   * How long a spool call may go without progress before it fails with a `SpoolError` (default
   * 60 s, `storage.io_timeout_s`); when listing, the bound is per file.
   */
  readonly ioTimeoutMs?: number;
}

/** A spool file that could not be decoded or read; it is left in place for the operator. */
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
 * The spool as one `<gameId>.spool` file per replay (format in `spool-record.ts`), each streamed
 * to a temp file, fsync'd, then renamed into place. Keeping a game again replaces its file, unless
 * the file holds a longer replay: a shorter one (a later header-only writer) never replaces it.
 */
export class FileReplaySpool implements ReplaySpool {
  readonly #spoolDir: string;
  readonly #now: () => number;
  readonly #ioTimeoutMs: number;
  /** The last keep of each game: keeps of one game run one after the other. */
  readonly #keeping = new Map<GameId, Promise<unknown>>();

  constructor(options: FileReplaySpoolOptions) {
    this.#spoolDir = options.spoolDir;
    this.#now = options.now ?? Date.now;
    this.#ioTimeoutMs = checkedTimeout(options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS);
  }

  keep(replay: FinishedReplay): Promise<SpoolOutcome> {
    const previous = this.#keeping.get(replay.gameId) ?? Promise.resolve();
    const keeping = previous.then(() => this.#keep(replay));
    const settled = keeping.catch(() => undefined);
    this.#keeping.set(replay.gameId, settled);
    void settled.then(() => {
      if (this.#keeping.get(replay.gameId) === settled) this.#keeping.delete(replay.gameId);
    });
    return keeping;
  }

  /** The readable kept replays, oldest first; `scan()` also reports the unreadable files. */
  async list(): Promise<readonly FinishedReplay[]> {
    return (await this.scan()).replays;
  }

  /**
   * Every spool file: readable ones oldest first, and the ones that cannot be read (left in
   * place, never deleted) so that the app can tell the operator. Reads only each file's first
   * line and SCFA header. Throws a `SpoolError` only if the directory cannot be listed.
   */
  async scan(): Promise<SpoolScan> {
    const records: SpoolRecord[] = [];
    const unreadable: UnreadableSpoolFile[] = [];
    for (const path of await this.#spoolFiles()) {
      try {
        records.push(await withIoTimeout(this.#ioTimeoutMs, `reading ${path}`, () => readSpoolFile(path)));
      } catch (error) {
        unreadable.push({ path, error });
      }
    }
    records.sort((a, b) => a.keptAtMs - b.keptAtMs || compareBigints(a.replay.gameId, b.replay.gameId));
    return { replays: records.map((record) => record.replay), unreadable };
  }

  async release(gameId: GameId): Promise<void> {
    try {
      await withIoTimeout(this.#ioTimeoutMs, `releasing replay ${gameId}`, async (watchdog) => {
        await watchdog.step(() => rm(this.#pathOf(gameId), { force: true }));
        await watchdog.step(() => syncDirectory(this.#spoolDir));
      });
    } catch (cause) {
      if (isErrnoError(cause, 'ENOENT')) return;
      throw new SpoolError(`could not release replay ${gameId} from ${this.#spoolDir}`, { cause });
    }
  }

  async #keep(replay: FinishedReplay): Promise<SpoolOutcome> {
    const path = this.#pathOf(replay.gameId);
    try {
      return await withIoTimeout(this.#ioTimeoutMs, `keeping replay ${replay.gameId}`, async (watchdog) => {
        const keptBytes = await watchdog.step(() => keptBytesAt(path));
        if (keptBytes > replay.scfaHeader.length + replay.bodyLength) {
          return { kind: 'longer-already-kept', keptBytes };
        }
        const chunks = spoolFileChunks(replay, this.#now(), watchdog);
        await publishFile(path, (handle) => handle.writeFile(chunks), { exclusive: false, watchdog });
        return { kind: 'kept' };
      });
    } catch (cause) {
      throw new SpoolError(`could not keep replay ${replay.gameId} in ${this.#spoolDir}`, { cause });
    }
  }

  async #spoolFiles(): Promise<string[]> {
    let names: string[];
    try {
      names = await withIoTimeout(this.#ioTimeoutMs, `listing ${this.#spoolDir}`, () =>
        readdir(this.#spoolDir),
      );
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

/** Header and body bytes of the replay kept at `path`; 0 when none can be read (then it is replaced). */
async function keptBytesAt(path: string): Promise<number> {
  try {
    const { replay } = await readSpoolFile(path);
    return replay.scfaHeader.length + replay.bodyLength;
  } catch {
    return 0;
  }
}

/** The file's bytes, each chunk counted as progress; fails (nothing is published) if the body is not its stated length. */
async function* spoolFileChunks(
  replay: FinishedReplay,
  keptAtMs: number,
  watchdog: IoWatchdog,
): AsyncGenerator<Uint8Array, void, undefined> {
  yield encodeSpoolDescription(replay, keptAtMs);
  yield replay.scfaHeader;
  let bodyBytes = 0;
  for await (const chunk of watchdog.watch(replay.body())) {
    bodyBytes += chunk.length;
    if (bodyBytes > replay.bodyLength) break;
    yield chunk;
  }
  if (bodyBytes !== replay.bodyLength) {
    throw new RangeError(
      `replay ${replay.gameId} has not the ${replay.bodyLength} body bytes it was said to have`,
    );
  }
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
