import type { FileHandle } from 'node:fs/promises';
import type { FinishedReplay } from '@faf-replay/core';
import { SpoolError } from '@faf-replay/core';
import { openRegularFile } from './durable-file.js';
import { decodeSpoolDescription } from './spool-record.js';

/** The largest read a spool file gets: its body is streamed in chunks of at most this size. */
export const SPOOL_READ_CHUNK_BYTES = 64 * 1024;
/** A description line is a few KB of metadata; one longer than this is not one. */
const MAX_DESCRIPTION_BYTES = 1024 * 1024;
/** SCFA headers are a few KB (the writer protocol caps them at 1 MiB); the header is read whole. */
const MAX_SCFA_HEADER_BYTES = 16 * 1024 * 1024;

export interface SpoolRecord {
  /** Its body is read from the file, in chunks, each time `body()` is iterated. */
  readonly replay: FinishedReplay;
  readonly keptAtMs: number;
}

/**
 * Reads a spool file's description and SCFA header, checking that the file holds exactly what
 * the description says; the body is left on disk. Any size works: nothing reads the whole file.
 * Throws (a `TypeError` for a file that does not decode) without reading more than a few chunks.
 */
export async function readSpoolFile(path: string): Promise<SpoolRecord> {
  const { handle, size, ino } = await openRegularFile(path);
  try {
    const line = await readLine(handle, Math.min(size, MAX_DESCRIPTION_BYTES));
    const description = decodeSpoolDescription(line);
    const { scfaHeaderBytes, bodyBytes } = description;
    if (scfaHeaderBytes < 0 || scfaHeaderBytes > MAX_SCFA_HEADER_BYTES || bodyBytes < 0) {
      throw new TypeError('the described lengths are out of range');
    }
    const bodyStart = line.length + 1 + scfaHeaderBytes;
    if (size !== bodyStart + bodyBytes) {
      throw new TypeError(`holds ${size} bytes where its description says ${bodyStart + bodyBytes}`);
    }
    const replay: FinishedReplay = {
      gameId: description.gameId,
      metadata: description.metadata,
      scfaHeader: await readAt(handle, line.length + 1, scfaHeaderBytes),
      body: () => readBody(path, ino, bodyStart, bodyBytes),
      bodyLength: bodyBytes,
      ticks: description.ticks,
    };
    return { replay, keptAtMs: description.keptAtMs };
  } finally {
    await handle.close();
  }
}

/** The bytes before the first `\n`, read a chunk at a time. */
async function readLine(handle: FileHandle, maxBytes: number): Promise<Uint8Array> {
  const head = Buffer.alloc(maxBytes);
  for (let read = 0; read < maxBytes;) {
    const count = Math.min(SPOOL_READ_CHUNK_BYTES, maxBytes - read);
    const { bytesRead } = await handle.read(head, read, count, read);
    if (bytesRead === 0) break;
    const newline = head.subarray(read, read + bytesRead).indexOf(0x0a);
    if (newline >= 0) return head.subarray(0, read + newline);
    read += bytesRead;
  }
  throw new TypeError('no description line');
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = Buffer.alloc(length);
  for (let read = 0; read < length;) {
    const count = Math.min(SPOOL_READ_CHUNK_BYTES, length - read);
    const { bytesRead } = await handle.read(bytes, read, count, position + read);
    if (bytesRead === 0) throw new TypeError('ends before its described end');
    read += bytesRead;
  }
  return bytes;
}

/** The body, streamed; fails if the file is no longer the one that was listed. */
async function* readBody(
  path: string,
  listedIno: number,
  start: number,
  length: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  const { handle, size, ino } = await openRegularFile(path).catch((cause: unknown) => {
    throw new SpoolError(`could not open ${path}`, { cause });
  });
  try {
    if (ino !== listedIno || size !== start + length) {
      throw new SpoolError(`${path} changed since the spool was listed`);
    }
    for (let offset = 0; offset < length;) {
      const count = Math.min(SPOOL_READ_CHUNK_BYTES, length - offset);
      // A fresh buffer per chunk: the consumer (a compressor on the thread pool) may still hold the last one.
      const chunk = Buffer.allocUnsafe(count);
      const { bytesRead } = await handle.read(chunk, 0, count, start + offset).catch((cause: unknown) => {
        throw new SpoolError(`could not read ${path}`, { cause });
      });
      if (bytesRead === 0) throw new SpoolError(`${path} ends before its described end`);
      offset += bytesRead;
      yield chunk.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
