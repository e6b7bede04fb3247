import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { IoWatchdog } from './io-watchdog.js';

/**
 * Replays are world-readable like the existing servers' files under umask 022, and set so
 * explicitly: whatever serves the vault must be able to read them under any umask.
 */
export const FILE_MODE = 0o644;

/** A fresh dot-file beside `path`: same directory, so that link/rename stay atomic. */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

export interface PublishOptions {
  /** Publish by link(), which never replaces an existing file, rather than by rename(). */
  readonly exclusive: boolean;
  readonly watchdog: IoWatchdog;
}

/**
 * Writes a new file beside `path` with `write`, fsyncs it, and publishes it at `path`, so that a
 * reader sees either no file (or the old one) or the whole new one. Exclusive publishing leaves
 * an existing file alone and returns false. On failure the temp file is removed. Every call runs
 * under the watchdog: once it has fired, no further step starts (nothing is published late).
 */
export async function publishFile(
  path: string,
  write: (handle: FileHandle) => Promise<void>,
  options: PublishOptions,
): Promise<boolean> {
  const { watchdog } = options;
  const dir = dirname(path);
  const tempPath = tempPathBeside(path);
  try {
    await watchdog.step(() => mkdir(dir, { recursive: true }));
    const handle = await watchdog.step(() => open(tempPath, 'wx', FILE_MODE));
    try {
      await watchdog.step(() => handle.chmod(FILE_MODE));
      await write(handle);
      await watchdog.step(() => handle.sync());
    } finally {
      await handle.close();
    }
    const published = options.exclusive
      ? await watchdog.step(() => linkUnlessExists(tempPath, path))
      : await watchdog.step(() => rename(tempPath, path).then(() => true));
    if (options.exclusive) await watchdog.step(() => rm(tempPath));
    await watchdog.step(() => syncDirectory(dir));
    return published;
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

/** Makes a link, rename or unlink in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Opens a file for reading that must be a regular file. O_NONBLOCK keeps a FIFO planted at the
 * path from blocking the open (and a thread of the pool) forever; it changes nothing for a
 * regular file.
 */
export async function openRegularFile(
  path: string,
): Promise<{ handle: FileHandle; size: number; ino: number }> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new TypeError(`${path} is not a regular file`);
    return { handle, size: stats.size, ino: stats.ino };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Cleanup after a failure that is already being reported: its own failure would hide the first. */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

export function isErrnoError(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
