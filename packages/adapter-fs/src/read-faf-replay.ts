import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import { ReplayFileError } from './replay-file-error.js';
import { decompressZstd } from './zstd.js';

const inflateAsync = promisify(inflate);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface FafReplayFile {
  /** The file format: 2 is zstd (current servers), 1 is base64 of Qt's qCompress (legacy). */
  readonly version: 1 | 2;
  readonly json: Readonly<Record<string, unknown>>;
  /** The first line exactly as stored, without its `\n`. */
  readonly jsonLine: string;
  /** The raw SCFA replay: header then body. */
  readonly replay: Uint8Array;
}

/** Large enough for any real game (a 48-minute 8-player game is 5.6 MB), small enough to refuse a bomb. */
export const DEFAULT_MAX_REPLAY_BYTES = 512 * 1024 * 1024;

/**
 * Reads a `.fafreplay` file of either version, choosing the decoder from `json.version ?? 1` as
 * the FAF clients do. Throws a `ReplayFileError` if the file is truncated, corrupt or unknown.
 */
export async function readFafReplay(
  bytes: Uint8Array,
  options: { maxReplayBytes?: number } = {},
): Promise<FafReplayFile> {
  const maxReplayBytes = options.maxReplayBytes ?? DEFAULT_MAX_REPLAY_BYTES;
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) throw new ReplayFileError('no-json-line', 'no newline ends the JSON header line');
  const jsonLine = decodeJsonLine(bytes.subarray(0, newline));
  const json = parseJsonObject(jsonLine);
  const version = versionOf(json);
  const payload = bytes.subarray(newline + 1);
  const replay =
    version === 2 ? await zstdPayload(payload, maxReplayBytes) : await qtPayload(payload, maxReplayBytes);
  return { version, json, jsonLine, replay };
}

function decodeJsonLine(line: Uint8Array): string {
  try {
    return strictUtf8.decode(line);
  } catch (cause) {
    throw new ReplayFileError('bad-json', 'the JSON header line is not valid UTF-8', { cause });
  }
}

function parseJsonObject(jsonLine: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonLine);
  } catch (cause) {
    throw new ReplayFileError('bad-json', 'the JSON header line does not parse', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ReplayFileError('bad-json', 'the JSON header line is not an object');
  }
  return parsed as Record<string, unknown>;
}

function versionOf(json: Record<string, unknown>): 1 | 2 {
  const version = json['version'] ?? 1;
  if (version === 1 || version === 2) return version;
  throw new ReplayFileError(
    'unsupported-version',
    `unsupported .fafreplay version ${JSON.stringify(version)}`,
  );
}

async function zstdPayload(payload: Uint8Array, maxReplayBytes: number): Promise<Uint8Array> {
  try {
    return await decompressZstd(payload, maxReplayBytes);
  } catch (cause) {
    throw new ReplayFileError('bad-payload', 'the zstd frame does not decompress', { cause });
  }
}

/** Version 1: base64( u32 BE uncompressed length ‖ zlib stream ), Qt's `qCompress` layout. */
async function qtPayload(payload: Uint8Array, maxReplayBytes: number): Promise<Uint8Array> {
  const text = Buffer.from(payload).toString('latin1').trim();
  if (!BASE64.test(text)) throw new ReplayFileError('bad-payload', 'the version-1 payload is not base64');
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length < 4)
    throw new ReplayFileError('bad-payload', 'the version-1 payload has no length prefix');
  const declaredBytes = decoded.readUInt32BE(0);
  let replay: Buffer;
  try {
    replay = await inflateAsync(decoded.subarray(4), { maxOutputLength: maxReplayBytes });
  } catch (cause) {
    throw new ReplayFileError('bad-payload', 'the version-1 zlib stream does not inflate', { cause });
  }
  if (replay.length !== declaredBytes) {
    throw new ReplayFileError(
      'bad-payload',
      `the version-1 payload declares ${declaredBytes} bytes but holds ${replay.length}`,
    );
  }
  return replay;
}
