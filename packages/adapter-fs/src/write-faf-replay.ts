import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReplayMetadata } from '@faf-replay/core';
import { encodeJsonHeader } from './encode-json-header.js';
import { gatherChunks } from './gather-chunks.js';
import { publishFile } from './durable-file.js';
import type { IoWatchdog } from './io-watchdog.js';
import { DEFAULT_IO_TIMEOUT_MS, withIoTimeout } from './io-watchdog.js';
import { zstdCompressStream } from './zstd.js';

/** The level the Rust server's documented config uses (`storage.compression_level`). */
export const DEFAULT_COMPRESSION_LEVEL = 10;

export interface FafReplayContent {
  /**
   * The JSON line: metadata, written byte for byte as the vault writes it, or a ready line
   * without its `\n` (e.g. `faf-replay pack --header`).
   */
  readonly jsonHeader: ReplayMetadata | string;
  readonly scfaHeader: Uint8Array;
  /** The body, streamed: read once, in order. */
  readonly body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The body's length when known: recorded in the zstd frame (as in the vault's files) and checked. */
  readonly bodyLength?: number;
}

export interface FafReplayWriteOptions {
  /** zstd level 1..22 (default 10, the server's). */
  readonly compressionLevel?: number;
  /** Writing to a path: replace an existing file (by default it is left alone and `FileExistsError` thrown). */
  readonly replace?: boolean;
  /** Writing to a path: the bound on a storage call without progress (default 60 s); then `IoTimeoutError`. */
  readonly ioTimeoutMs?: number;
}

/** `writeFafReplay` to a path that exists, without `replace`. */
export class FileExistsError extends Error {
  readonly code = 'EEXIST';

  constructor(path: string) {
    super(`${path} already exists`);
    this.name = 'FileExistsError';
  }
}

/**
 * Writes a version-2 `.fafreplay` file (spec §7.4): the JSON line, `\n`, then one zstd frame of
 * the SCFA header and body, without checksum like the Rust server's. Streamed: the replay is
 * never held twice, and compression runs on the thread pool, so the event loop is never blocked
 * for long. To a path, the file is published whole (temp file, fsync, link or rename); to a
 * `Writable`, the bytes are piped into it and it is ended. Resolves with the bytes written.
 */
export async function writeFafReplay(
  destination: string | Writable,
  content: FafReplayContent,
  options: FafReplayWriteOptions = {},
): Promise<number> {
  const level = checkedCompressionLevel(options.compressionLevel ?? DEFAULT_COMPRESSION_LEVEL);
  if (typeof destination !== 'string') {
    const counted = { bytes: 0 };
    await pipeline(...fafReplayStages(content, level), countingInto(counted), destination);
    return counted.bytes;
  }
  const bytes = { written: 0 };
  const published = await withIoTimeout(
    options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS,
    `writing ${destination}`,
    (watchdog) =>
      publishFile(
        destination,
        async (handle) => {
          bytes.written = await writeFafReplayToFile(handle, content, level, watchdog);
        },
        { exclusive: options.replace !== true, watchdog },
      ),
  );
  if (!published) throw new FileExistsError(destination);
  return bytes.written;
}

/** Streams a `.fafreplay` into an open file; each chunk in or out counts as the watchdog's progress. */
export async function writeFafReplayToFile(
  handle: FileHandle,
  content: FafReplayContent,
  level: number,
  watchdog: IoWatchdog,
): Promise<number> {
  const counted = { bytes: 0 };
  const watched = { ...content, body: watchdog.watch(content.body) };
  await pipeline(
    ...fafReplayStages(watched, level),
    countingInto(counted),
    async (chunks: AsyncIterable<Uint8Array>) => {
      await handle.writeFile(watchdog.watch(chunks));
    },
    { signal: watchdog.signal },
  );
  return counted.bytes;
}

function fafReplayStages(content: FafReplayContent, level: number) {
  const jsonLine =
    typeof content.jsonHeader === 'string' ? content.jsonHeader : encodeJsonHeader(content.jsonHeader);
  if (jsonLine.includes('\n')) throw new RangeError('the JSON header line must not contain a newline');
  const contentBytes =
    content.bodyLength === undefined ? undefined : content.scfaHeader.length + content.bodyLength;
  return [
    scfaStream(content),
    zstdCompressStream(level, contentBytes),
    async function* (frame: AsyncIterable<Uint8Array>) {
      yield Buffer.from(`${jsonLine}\n`);
      yield* frame;
    },
  ] as const;
}

/**
 * What zstd is fed at a time, at least. Each input chunk costs the encoder a thread-pool round
 * trip and a pass of its own: at level 10, 4 KiB chunks (a segment of a game streamed at its
 * real pace is smaller) cost 2.5 times the CPU of 256 KiB ones.
 */
export const COMPRESS_INPUT_BYTES = 256 * 1024;

/** The SCFA header then the body, checked against the body's stated length, in chunks zstd likes. */
function scfaStream(content: FafReplayContent): AsyncGenerator<Uint8Array, void, undefined> {
  return gatherChunks(checkedScfa(content), COMPRESS_INPUT_BYTES);
}

async function* checkedScfa(content: FafReplayContent): AsyncGenerator<Uint8Array, void, undefined> {
  yield content.scfaHeader;
  let bodyBytes = 0;
  for await (const chunk of content.body) {
    bodyBytes += chunk.length;
    if (content.bodyLength !== undefined && bodyBytes > content.bodyLength) {
      throw new RangeError(`the body has more than the ${content.bodyLength} bytes it was said to have`);
    }
    if (chunk.length > 0) yield chunk;
  }
  if (content.bodyLength !== undefined && bodyBytes !== content.bodyLength) {
    throw new RangeError(
      `the body has ${bodyBytes} bytes, not the ${content.bodyLength} it was said to have`,
    );
  }
}

function countingInto(counted: { bytes: number }) {
  return async function* (chunks: AsyncIterable<Uint8Array>) {
    for await (const chunk of chunks) {
      counted.bytes += chunk.length;
      yield chunk;
    }
  };
}

/** zstd's levels are 1..22; zlib would silently clamp anything else. */
export function checkedCompressionLevel(level: number): number {
  if (!Number.isInteger(level) || level < 1 || level > 22) {
    throw new RangeError(`compression level must be an integer in 1..22, got ${level}`);
  }
  return level;
}
