import { open, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
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

function outputError(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'FILE_EXISTS' : 'FILE_UNWRITABLE';
  return new CliError(code, `cannot write ${path}: ${describeFsError(error)}`, { cause: error });
}
