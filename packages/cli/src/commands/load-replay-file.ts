import { readFile } from 'node:fs/promises';
import { readFafReplay, ReplayFileError } from '@faf-replay/adapter-fs';
import { CliError } from './cli-error.js';

/** A replay file as given on the command line: a `.fafreplay` (v1 or v2) or a raw stream. */
export interface ReplayFile {
  readonly path: string;
  readonly fileBytes: number;
  readonly format: 'fafreplay' | 'scfareplay';
  /** The `.fafreplay` JSON line and its version; null for a raw stream. */
  readonly faf: {
    readonly version: 1 | 2;
    readonly jsonLine: string;
    readonly json: Readonly<Record<string, unknown>>;
  } | null;
  /** The raw replay stream: SCFA header then body. */
  readonly stream: Uint8Array;
}

const OPEN_BRACE = 0x7b;

/**
 * Reads a replay file, telling the formats apart by content: a `.fafreplay` starts with its JSON
 * line, a raw stream with the game's version string. Throws a `CliError` naming the file.
 */
export async function loadReplayFile(path: string): Promise<ReplayFile> {
  const bytes = await readInput(path);
  if (bytes[0] !== OPEN_BRACE)
    return { path, fileBytes: bytes.length, format: 'scfareplay', faf: null, stream: bytes };
  try {
    const file = await readFafReplay(bytes);
    const faf = { version: file.version, jsonLine: file.jsonLine, json: file.json };
    return { path, fileBytes: bytes.length, format: 'fafreplay', faf, stream: file.replay };
  } catch (error) {
    if (!(error instanceof ReplayFileError)) throw error;
    throw new CliError('REPLAY_FILE_INVALID', `${path} is not a valid .fafreplay file: ${error.message}`, {
      cause: error,
    });
  }
}

/** Reads a whole input file; a missing or unreadable one is the user's `CliError`. */
export async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new CliError('FILE_UNREADABLE', `cannot read ${path}: ${describeFsError(error)}`, { cause: error });
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EEXIST') return 'the file exists (use --force to overwrite)';
  return (error as Error).message;
}
