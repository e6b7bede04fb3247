import type { JournalEntry } from '@faf-replay/core';
import { FrameScanner } from './frame-scanner.js';
import { LiveLogError } from './live-log-error.js';
import type { LiveLogFile } from './live-log-file.js';
import { FILE_MAGIC, FRAME_HEADER_BYTES } from './log-frame.js';
import { decodeRecords } from './log-records.js';
import { RecentBytes } from './recent-bytes.js';
import { SegmentIndex } from './segment-index.js';

/** What a scan of a log file found: its canonical segments, and where its valid frames end. */
export interface ScannedLog {
  readonly index: SegmentIndex;
  readonly length: number;
  readonly validEnd: number;
  /** The corrupt frame that ended the scan, if one did (a torn last frame is not reported). */
  readonly corrupt: LiveLogError | undefined;
}

/**
 * Reads a game's log file frame by frame (never whole), checking every checksum and record, and
 * indexes its canonical segments. Throws when the file is not a live log at all.
 */
export async function scanLogFile(file: LiveLogFile, size: number): Promise<ScannedLog> {
  const index = new SegmentIndex();
  if (size < FILE_MAGIC.length) return { index, length: 0, validEnd: 0, corrupt: undefined };
  const magic = await file.read(0, FILE_MAGIC.length);
  if (Buffer.compare(magic, FILE_MAGIC) !== 0) {
    throw new LiveLogError('corrupt', `${file.path} is not a live log of this format`);
  }
  const scanner = new FrameScanner((at, length) => file.read(at, length), FILE_MAGIC.length, size, {
    copy: false,
  });
  let length = 0;
  for (let frame = await scanner.next(); frame !== undefined; frame = await scanner.next()) {
    const segments: { position: number; length: number }[] = [];
    try {
      for (const record of decodeRecords(frame.payload)) {
        if (record.type !== 'segment') continue;
        segments.push({
          position: frame.position + FRAME_HEADER_BYTES + record.payloadOffset,
          length: record.bytes.length,
        });
      }
    } catch (error) {
      scanner.markCorrupt(frame.position, asCorrupt(error, frame.position));
      break;
    }
    for (const segment of segments) {
      index.place(index.add(length), segment.position);
      length += segment.length;
    }
  }
  const stop = scanner.stop;
  return {
    index,
    length,
    validEnd: scanner.position,
    corrupt: stop?.kind === 'corrupt' ? stop.error : undefined,
  };
}

/** The recent end of a scanned canonical stream, read into memory: the hot window and the last segment. */
export async function readRecent(
  file: LiveLogFile,
  scanned: ScannedLog,
  hotBytes: number,
): Promise<RecentBytes> {
  const { index, length } = scanned;
  const lastStart = index.start(index.count - 1) ?? 0;
  const from = Math.max(0, Math.min(length - hotBytes, lastStart));
  const recent = new RecentBytes(from);
  for (let segment = from < length ? index.locate(from) : index.count; segment < index.count; segment++) {
    const start = index.start(segment) as number;
    const end = index.start(segment + 1) ?? length;
    const skip = Math.max(0, from - start);
    recent.append(await file.read(index.position(segment) + skip, end - start - skip));
  }
  return recent;
}

/** The journal entries of the valid part of a log file, in order, read a frame at a time. */
export function journalEntries(file: LiveLogFile, validEnd: number): AsyncIterable<JournalEntry> {
  return {
    async *[Symbol.asyncIterator]() {
      if (validEnd <= FILE_MAGIC.length) return;
      file.retain();
      try {
        const read = (at: number, length: number): Promise<Uint8Array> => file.read(at, length);
        const scanner = new FrameScanner(read, FILE_MAGIC.length, validEnd, { copy: true });
        for (let frame = await scanner.next(); frame !== undefined; frame = await scanner.next()) {
          for (const record of decodeRecords(frame.payload)) if (record.type !== 'segment') yield record;
        }
        if (scanner.position !== validEnd) {
          throw new LiveLogError(
            'corrupt',
            `${file.path} changed after it was recovered (at byte ${scanner.position})`,
          );
        }
      } finally {
        file.release();
      }
    },
  };
}

function asCorrupt(error: unknown, at: number): LiveLogError {
  const reason = error instanceof Error ? error.message : String(error);
  return new LiveLogError('corrupt', `an invalid record in the frame at byte ${at}: ${reason}`, {
    cause: error,
  });
}
