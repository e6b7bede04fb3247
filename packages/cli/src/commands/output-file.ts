import { access, constants, open, stat, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from './cli-error.js';
import { describeFsError } from './load-replay-file.js';

/** Writes a whole output file; an existing file is kept unless `force`. */
export async function writeOutputFile(
  path: string,
  data: Uint8Array | string,
  force: boolean,
): Promise<void> {
  try {
    await writeFile(path, data, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    throw outputError(path, error);
  }
}

/** Opens an output file to be written as data arrives; an existing file is kept unless `force`. */
export async function openOutputFile(path: string, force: boolean): Promise<FileHandle> {
  try {
    return await open(path, force ? 'w' : 'wx');
  } catch (error) {
    throw outputError(path, error);
  }
}

/**
 * Checks, without creating it, that `path` could be written now: an existing file only with
 * `force`, a new one in a directory that exists and is writable. For output opened later, so that
 * a bad path is reported before a long wait rather than after it.
 */
export async function checkOutputFile(path: string, force: boolean): Promise<void> {
  let existing: Awaited<ReturnType<typeof stat>> | null;
  try {
    existing = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(path, error);
    existing = null;
  }
  if (existing?.isDirectory() === true) throw outputError(path, errno('EISDIR'));
  if (existing !== null && !force) throw outputError(path, errno('EEXIST'));
  const directory = dirname(path);
  try {
    await access(existing === null ? directory : path, constants.W_OK);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw missing
      ? new CliError('FILE_UNWRITABLE', `cannot write ${path}: no such directory ${directory}`, {
          cause: error,
        })
      : outputError(path, error);
  }
}

export function outputError(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'FILE_EXISTS' : 'FILE_UNWRITABLE';
  return new CliError(code, `cannot write ${path}: ${describeFsError(error)}`, { cause: error });
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}
