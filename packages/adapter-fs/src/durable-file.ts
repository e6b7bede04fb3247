import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replays are world-readable like the existing servers' files under umask 022, and set so
 * explicitly: whatever serves the vault must be able to read them under any umask.
 */
export const FILE_MODE = 0o644;

/** A fresh dot-file beside `path`: same directory, so that link/rename stay atomic. */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Creates `path` exclusively, writes `chunks` and fsyncs it, so that it is whole before it is published. */
export async function writeNewFileDurably(path: string, chunks: Iterable<Uint8Array>): Promise<void> {
  const handle = await open(path, 'wx', FILE_MODE);
  try {
    await handle.chmod(FILE_MODE);
    await handle.writeFile(chunks);
    await handle.sync();
  } finally {
    await handle.close();
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

/** Cleanup after a failure that is already being reported: its own failure would hide the first. */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

export function isErrnoError(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
