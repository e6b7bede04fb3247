import type { FileHandle } from 'node:fs/promises';
import { open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isErrnoError, syncDirectory } from '../durable-file.js';
import { withIoTimeout } from '../io-watchdog.js';
import type { GameDirectoryOwner } from './game-owner.js';
import { LiveLogError } from './live-log-error.js';

/** The one file in a live game's directory. */
export const LOG_FILE_NAME = 'replay-log.bin';

/** `writev` takes at most this many buffers at once (IOV_MAX on Linux). */
const MAX_WRITE_PARTS = 1_024;

/**
 * The file of one live game, `<livePath>/<gameId>/replay-log.bin`: positioned writes, fsync,
 * positioned reads, each bounded by the I/O timeout. It stays open while anyone reads it, even
 * after the log is removed or closed (an unlinked file can still be read), so readers may finish.
 * Its directory is removed only while this process owns it.
 */
export class LiveLogFile {
  readonly dir: string;
  readonly path: string;
  readonly #ioTimeoutMs: number;
  readonly #owner: GameDirectoryOwner;
  /** Whether this process made itself the directory's owner (false when another process owns it). */
  readonly #claimed: Promise<boolean>;
  readonly #handle: Promise<FileHandle>;
  /** Whether the directory entries (game dir, file) still need an fsync: a new file. */
  #entriesToSync: boolean;
  #users = 0;
  #closeRequested = false;
  #closed = false;

  private constructor(
    dir: string,
    ioTimeoutMs: number,
    owner: GameDirectoryOwner,
    opening: { readonly claimed: Promise<boolean>; readonly handle: Promise<FileHandle> },
    created: boolean,
  ) {
    this.dir = dir;
    this.path = join(dir, LOG_FILE_NAME);
    this.#ioTimeoutMs = ioTimeoutMs;
    this.#owner = owner;
    this.#claimed = opening.claimed;
    this.#handle = opening.handle;
    this.#handle.catch(() => undefined);
    this.#entriesToSync = created;
  }

  /**
   * The file of a new game, in the background: its directory claimed for this process, then the
   * file created empty (an old one of the previous format is truncated). When another process
   * owns the directory, the file fails (its writes reject) and the directory is left alone.
   */
  static create(dir: string, ioTimeoutMs: number, owner: GameDirectoryOwner): LiveLogFile {
    let claimed = false;
    const handle = withIoTimeout(ioTimeoutMs, `creating ${dir}`, async (watchdog) => {
      await owner.claimNew(dir, watchdog);
      claimed = true;
      return watchdog.step(() => open(join(dir, LOG_FILE_NAME), 'w+', 0o644));
    });
    const opening = {
      handle,
      claimed: handle.then(
        () => claimed,
        () => claimed,
      ),
    };
    return new LiveLogFile(dir, ioTimeoutMs, owner, opening, true);
  }

  /**
   * The file a previous process left, in a directory this process just claimed (the file is
   * created empty when the directory has none), and its size.
   */
  static async openExisting(
    dir: string,
    ioTimeoutMs: number,
    owner: GameDirectoryOwner,
  ): Promise<{ file: LiveLogFile; size: number }> {
    const path = join(dir, LOG_FILE_NAME);
    return withIoTimeout(ioTimeoutMs, `opening ${path}`, async (watchdog) => {
      let created = false;
      const handle = await watchdog.step(() =>
        open(path, 'r+').catch((error: unknown) => {
          if (!isErrnoError(error, 'ENOENT')) throw error;
          created = true;
          return open(path, 'w+', 0o644);
        }),
      );
      try {
        const stats = await watchdog.step(() => handle.stat());
        if (!stats.isFile()) throw new LiveLogError('corrupt', `${path} is not a regular file`);
        const opening = { handle: Promise.resolve(handle), claimed: Promise.resolve(true) };
        return { file: new LiveLogFile(dir, ioTimeoutMs, owner, opening, created), size: stats.size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    });
  }

  /** Writes `parts` in order at `position`, all of them (a short write continues). */
  async write(parts: readonly Uint8Array[], position: number): Promise<void> {
    await withIoTimeout(this.#ioTimeoutMs, `writing ${this.path}`, async (watchdog) => {
      const handle = await watchdog.step(() => this.#open());
      let rest = parts;
      for (let at = position; rest.length > 0;) {
        const { bytesWritten } = await watchdog.step(() => handle.writev(rest.slice(0, MAX_WRITE_PARTS), at));
        if (bytesWritten === 0) throw new LiveLogError('io', `writing ${this.path} made no progress`);
        at += bytesWritten;
        rest = without(rest, bytesWritten);
      }
    });
  }

  /** Makes what was written durable (and, the first time, the file's directory entries). */
  async sync(): Promise<void> {
    await withIoTimeout(this.#ioTimeoutMs, `syncing ${this.path}`, async (watchdog) => {
      const handle = await watchdog.step(() => this.#open());
      await watchdog.step(() => handle.datasync());
      if (!this.#entriesToSync) return;
      await watchdog.step(() => syncDirectory(this.dir));
      await watchdog.step(() => syncDirectory(dirname(this.dir)));
      this.#entriesToSync = false;
    });
  }

  /** `length` bytes at `position` (which the caller knows were written). */
  async read(position: number, length: number): Promise<Uint8Array> {
    this.retain();
    try {
      return await withIoTimeout(this.#ioTimeoutMs, `reading ${this.path}`, async (watchdog) => {
        const handle = await watchdog.step(() => this.#open());
        const bytes = new Uint8Array(length);
        for (let filled = 0; filled < length;) {
          const { bytesRead } = await watchdog.step(() =>
            handle.read(bytes, filled, length - filled, position + filled),
          );
          if (bytesRead === 0)
            throw new LiveLogError('io', `${this.path} ends before byte ${position + length}`);
          filled += bytesRead;
        }
        return bytes;
      });
    } finally {
      this.release();
    }
  }

  async truncate(length: number): Promise<void> {
    await withIoTimeout(this.#ioTimeoutMs, `truncating ${this.path}`, async (watchdog) => {
      const handle = await watchdog.step(() => this.#open());
      await watchdog.step(() => handle.truncate(length));
      await watchdog.step(() => handle.datasync());
    });
  }

  /** Someone reads the file: it stays open until `release`. */
  retain(): void {
    this.#users++;
  }

  release(): void {
    this.#users--;
    this.#closeIfIdle();
  }

  /** Closes the file once nobody reads it. */
  close(): void {
    this.#closeRequested = true;
    this.#closeIfIdle();
  }

  /** Deletes the game's directory, and makes that durable; not when another process owns it. */
  async removeDirectory(): Promise<void> {
    await withIoTimeout(this.#ioTimeoutMs, `removing ${this.dir}`, async (watchdog) => {
      // A creation still under way would bring the directory back after the removal.
      if (!(await watchdog.step(() => this.#claimed))) return;
      if (!(await this.#owner.owns(this.dir, watchdog))) return;
      await watchdog.step(() => rm(this.dir, { recursive: true, force: true }));
      await watchdog.step(() => syncDirectory(dirname(this.dir)));
    });
  }

  #open(): Promise<FileHandle> {
    if (this.#closed) return Promise.reject(new LiveLogError('closed', `${this.path} is closed`));
    return this.#handle;
  }

  #closeIfIdle(): void {
    if (!this.#closeRequested || this.#closed || this.#users > 0) return;
    this.#closed = true;
    void this.#handle.then((handle) => handle.close()).catch(() => undefined);
  }
}

/** `parts` without their first `count` bytes. */
function without(parts: readonly Uint8Array[], count: number): readonly Uint8Array[] {
  let skipped = 0;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as Uint8Array;
    if (skipped + part.length > count) {
      return [part.subarray(count - skipped), ...parts.slice(index + 1)];
    }
    skipped += part.length;
  }
  return [];
}
