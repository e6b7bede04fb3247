import { FileExistsError, writeFafReplay } from '@faf-replay/adapter-fs';
import type { ReplayMetadata } from '@faf-replay/core';
import { CliError } from './cli-error.js';
import { describeFsError } from './load-replay-file.js';

/**
 * Writes `stream` as a version-2 `.fafreplay` to `path`, by the archive's own encoder (the
 * vault's files and `pack`'s are made alike), with the user's JSON line (`pack --header`) or one
 * from `metadata`. Resolves with the bytes written; an existing file is kept unless `force`.
 */
export async function packFafReplay(
  path: string,
  header: { readonly metadata: ReplayMetadata; readonly jsonLine?: string | undefined },
  stream: Uint8Array,
  headerBytes: number,
  options: { readonly compressionLevel: number; readonly force: boolean },
): Promise<number> {
  const body = stream.subarray(headerBytes);
  try {
    return await writeFafReplay(
      path,
      {
        jsonHeader: header.jsonLine ?? header.metadata,
        scfaHeader: stream.subarray(0, headerBytes),
        body: [body],
        bodyLength: body.length,
      },
      { compressionLevel: options.compressionLevel, replace: options.force },
    );
  } catch (error) {
    const code = error instanceof FileExistsError ? 'FILE_EXISTS' : 'FILE_UNWRITABLE';
    const why = error instanceof FileExistsError ? 'file already exists' : describeFsError(error);
    throw new CliError(code, `cannot write ${path}: ${why}`, { cause: error });
  }
}
