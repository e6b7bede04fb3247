import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import type { ArchiveOutcome, FinishedReplay, GameId, ReplayArchive } from '@faf-replay/core';
import { ArchiveError } from '@faf-replay/core';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { isErrnoError, publishFile } from './durable-file.js';
import type { IoWatchdog } from './io-watchdog.js';
import { checkedTimeout, DEFAULT_IO_TIMEOUT_MS, withIoTimeout } from './io-watchdog.js';
import { vaultReplayPath } from './vault-replay-path.js';
import {
  checkedCompressionLevel,
  DEFAULT_COMPRESSION_LEVEL,
  writeFafReplayToFile,
} from './write-faf-replay.js';

export interface VaultArchiveOptions {
  readonly vaultRoot: string;
  /** zstd level 1..22; the Rust server's documented default is 10. */
  readonly compressionLevel?: number;
  /**
   * Saves compressing at once (default 2, `storage.max_concurrent_saves`). Each holds a
   * compressor's window and a share of the thread pool; more would not finish sooner anyway.
   */
  readonly maxConcurrentSaves?: number;
  /**
   * How long a save or lookup may go without progress before it fails with an `ArchiveError`
   * (default 60 s, `storage.io_timeout_s`): a vault that never answers must not hold a replay,
   * or the process at shutdown, forever.
   */
  readonly ioTimeoutMs?: number;
}

/**
 * The FAF replay vault on a local file system (spec §7). A replay is streamed (compressed on the
 * fly) into a temp file beside its final path, fsync'd, then hard-linked into place: link()
 * fails on an existing name where rename() would replace it, so two saves of one game can never
 * overwrite each other, and a reader sees either no file or the whole file.
 */
export class VaultArchive implements ReplayArchive {
  readonly #vaultRoot: string;
  readonly #compressionLevel: number;
  readonly #saving: ConcurrencyLimit;
  readonly #ioTimeoutMs: number;

  constructor(options: VaultArchiveOptions) {
    this.#vaultRoot = options.vaultRoot;
    this.#saving = new ConcurrencyLimit(options.maxConcurrentSaves ?? 2);
    this.#compressionLevel = checkedCompressionLevel(options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL);
    this.#ioTimeoutMs = checkedTimeout(options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS);
  }

  /** Saves streaming now (at most `maxConcurrentSaves`). */
  get savesRunning(): number {
    return this.#saving.running;
  }

  /** Saves waiting for a free slot: a backlog when many games end together. */
  get savesWaiting(): number {
    return this.#saving.waiting;
  }

  async save(replay: FinishedReplay): Promise<ArchiveOutcome> {
    if (replay.metadata.gameId !== replay.gameId) {
      throw new ArchiveError(`metadata of game ${replay.metadata.gameId} given for replay ${replay.gameId}`);
    }
    if (replay.scfaHeader.length === 0) throw new ArchiveError(`replay ${replay.gameId} has no SCFA header`);
    const location = vaultReplayPath(this.#vaultRoot, replay.gameId);
    if (await this.#exists(location)) return { kind: 'already-archived', location };
    return this.#saving.run(async () => {
      try {
        const linked = await withIoTimeout(this.#ioTimeoutMs, `saving replay ${replay.gameId}`, (watchdog) =>
          publishFile(location, (handle) => this.#encode(handle, replay, watchdog), {
            exclusive: true,
            watchdog,
          }),
        );
        return { kind: linked ? 'archived' : 'already-archived', location };
      } catch (cause) {
        throw new ArchiveError(`could not save replay ${replay.gameId} to ${location}`, { cause });
      }
    });
  }

  async contains(gameId: GameId): Promise<boolean> {
    return this.#exists(vaultReplayPath(this.#vaultRoot, gameId));
  }

  async #encode(handle: FileHandle, replay: FinishedReplay, watchdog: IoWatchdog): Promise<void> {
    const content = {
      jsonHeader: replay.metadata,
      scfaHeader: replay.scfaHeader,
      body: replay.body(),
      bodyLength: replay.bodyLength,
    };
    await writeFafReplayToFile(handle, content, this.#compressionLevel, watchdog);
  }

  async #exists(location: string): Promise<boolean> {
    try {
      return await withIoTimeout(this.#ioTimeoutMs, `looking for ${location}`, async () => {
        try {
          await stat(location);
          return true;
        } catch (cause) {
          if (isErrnoError(cause, 'ENOENT')) return false;
          throw cause;
        }
      });
    } catch (cause) {
      throw new ArchiveError(`could not look for ${location}`, { cause });
    }
  }
}
