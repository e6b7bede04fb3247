import { ConcurrencyLimit } from './concurrency-limit.js';
import { link, mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FinishedReplay, GameId, ReplayArchive, SaveOutcome } from '@faf-replay/core';
import { ArchiveError } from '@faf-replay/core';
import {
  isErrnoError,
  removeQuietly,
  syncDirectory,
  tempPathBeside,
  writeNewFileDurably,
} from './durable-file.js';
import { checkedCompressionLevel, DEFAULT_COMPRESSION_LEVEL, encodeFafReplay } from './encode-faf-replay.js';
import { vaultReplayPath } from './vault-replay-path.js';

export interface VaultArchiveOptions {
  readonly vaultRoot: string;
  /** zstd level 1..22; the Rust server's documented default is 10. */
  readonly compressionLevel?: number;
  /**
   * Saves compressing at once (default 2). Each holds a whole stream and its compressed copy, so
   * this bounds memory when many games end together; more would not finish sooner on the
   * thread pool anyway.
   */
  readonly maxConcurrentSaves?: number;
}

/**
 * The FAF replay vault on a local file system (spec §7). A replay is written whole to a temp file
 * beside its final path, fsync'd, then hard-linked into place: link() fails on an existing name
 * where rename() would replace it, so two saves of one game can never overwrite each other, and
 * a reader sees either no file or the whole file.
 */
export class VaultArchive implements ReplayArchive {
  readonly #vaultRoot: string;
  readonly #compressionLevel: number;
  readonly #saving: ConcurrencyLimit;

  constructor(options: VaultArchiveOptions) {
    this.#vaultRoot = options.vaultRoot;
    this.#saving = new ConcurrencyLimit(options.maxConcurrentSaves ?? 2);
    this.#compressionLevel = checkedCompressionLevel(options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL);
  }

  async save(replay: FinishedReplay): Promise<SaveOutcome> {
    if (replay.metadata.gameId !== replay.gameId) {
      throw new ArchiveError(`metadata of game ${replay.metadata.gameId} given for replay ${replay.gameId}`);
    }
    if (replay.scfaHeader.length === 0) throw new ArchiveError(`replay ${replay.gameId} has no SCFA header`);
    const location = vaultReplayPath(this.#vaultRoot, replay.gameId);
    if (await this.#exists(location)) return { kind: 'already-saved', location };
    return this.#saving.run(async () => {
      const bytes = await encodeFafReplay(replay, { compressionLevel: this.#compressionLevel });
      try {
        return await publishExclusively(location, bytes);
      } catch (cause) {
        throw new ArchiveError(`could not save replay ${replay.gameId} to ${location}`, { cause });
      }
    });
  }

  async contains(gameId: GameId): Promise<boolean> {
    return this.#exists(vaultReplayPath(this.#vaultRoot, gameId));
  }

  async #exists(location: string): Promise<boolean> {
    try {
      await stat(location);
      return true;
    } catch (cause) {
      if (isErrnoError(cause, 'ENOENT')) return false;
      throw new ArchiveError(`could not look for ${location}`, { cause });
    }
  }
}

async function publishExclusively(location: string, bytes: Uint8Array): Promise<SaveOutcome> {
  const dir = dirname(location);
  await mkdir(dir, { recursive: true });
  const tempPath = tempPathBeside(location);
  try {
    await writeNewFileDurably(tempPath, [bytes]);
    const linked = await linkUnlessExists(tempPath, location);
    await rm(tempPath);
    await syncDirectory(dir);
    return { kind: linked ? 'saved' : 'already-saved', location };
  } catch (error) {
    await removeQuietly(tempPath);
    throw error;
  }
}

async function linkUnlessExists(existingPath: string, newPath: string): Promise<boolean> {
  try {
    await link(existingPath, newPath);
    return true;
  } catch (error) {
    if (isErrnoError(error, 'EEXIST')) return false;
    throw error;
  }
}
