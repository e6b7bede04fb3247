import type { JournalEntry } from '@faf-replay/core';
import { LiveLogError } from './live-log-error.js';
import { RecordCursor } from './record-cursor.js';
import type { RecordWriter } from './record-writer.js';

/** The first byte of each record. */
const recordType = {
  writer: 1,
  header: 2,
  fork: 3,
  extend: 4,
  position: 5,
  left: 6,
  decided: 7,
  segment: 8,
} as const;

/** Consecutive bytes of one `extend` that arrived at one time. */
export interface ExtendRun {
  readonly atMs: number;
  readonly length: number;
}

/** A committed canonical segment, as read back: its bytes and where they start in the frame's payload. */
export interface SegmentRecord {
  readonly type: 'segment';
  readonly bytes: Uint8Array;
  readonly payloadOffset: number;
}

export type LogRecord = JournalEntry | SegmentRecord;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Encodes the records of one frame. Times are deltas from the previous time in the same frame
 * (the first from 0), so a frame decodes on its own and a time costs a byte or two.
 */
export class RecordEncoder {
  readonly #out: RecordWriter;
  #lastMs = 0;

  constructor(out: RecordWriter) {
    this.#out = out;
  }

  /** An entry other than `extend` (which comes as runs: see `extend`). */
  entry(entry: Exclude<JournalEntry, { type: 'extend' }>): void {
    const out = this.#out;
    switch (entry.type) {
      case 'writer': {
        const name = utf8.encode(entry.name);
        this.#head(recordType.writer, entry.writer);
        this.#time(entry.atMs);
        out.varint(name.length);
        out.bytes(name);
        return;
      }
      case 'header':
        this.#head(recordType.header, entry.writer);
        this.#time(entry.atMs);
        out.varint(entry.bytes.length);
        out.bytes(entry.bytes);
        return;
      case 'fork':
        this.#head(recordType.fork, entry.branch);
        out.varint(entry.parent === null ? 0 : entry.parent + 1);
        out.varint(entry.at);
        return;
      case 'position':
        this.#head(recordType.position, entry.writer);
        out.varint(entry.branch);
        out.varint(entry.length);
        return;
      case 'left':
        this.#head(recordType.left, entry.writer);
        this.#time(entry.atMs);
        return;
      case 'decided':
        this.#head(recordType.decided, entry.branch);
        out.varint(entry.bodyLength);
        return;
    }
  }

  /** Bytes appended to `branch` (given in pieces), as runs of one arrival time each. */
  extend(branch: number, runs: readonly ExtendRun[], bytes: readonly Uint8Array[]): void {
    this.#head(recordType.extend, branch);
    this.#out.varint(runs.length);
    for (const run of runs) {
      this.#time(run.atMs);
      this.#out.varint(run.length);
    }
    for (const view of bytes) this.#out.bytes(view);
  }

  /** A canonical segment; returns where its bytes start in the payload. */
  segment(views: readonly Uint8Array[], length: number): number {
    this.#out.u8(recordType.segment);
    this.#out.varint(length);
    const offset = this.#out.length;
    for (const view of views) this.#out.bytes(view);
    return offset;
  }

  #head(type: number, id: number): void {
    this.#out.u8(type);
    this.#out.varint(id);
  }

  #time(atMs: number): void {
    this.#out.signed(atMs - this.#lastMs);
    this.#lastMs = atMs;
  }
}

/** The records of one frame's payload, in order; an `extend` of several runs comes as several entries. */
export function* decodeRecords(payload: Uint8Array): Generator<LogRecord, void, undefined> {
  const cursor = new RecordCursor(payload);
  const time = { lastMs: 0 };
  const next = (): number => {
    time.lastMs += cursor.signed();
    return time.lastMs;
  };
  while (!cursor.done) {
    const type = cursor.u8();
    if (type === recordType.extend) yield* decodeExtend(cursor, next);
    else if (type === recordType.segment) yield decodeSegment(cursor);
    else yield decodeEntry(type, cursor, next);
  }
}

function decodeEntry(type: number, cursor: RecordCursor, time: () => number): JournalEntry {
  const id = cursor.varint();
  switch (type) {
    case recordType.writer: {
      const atMs = time();
      return { type: 'writer', writer: id, atMs, name: fromUtf8.decode(cursor.bytes(cursor.varint())) };
    }
    case recordType.header: {
      const atMs = time();
      return { type: 'header', writer: id, atMs, bytes: cursor.bytes(cursor.varint()) };
    }
    case recordType.fork: {
      const parent = cursor.varint();
      return { type: 'fork', branch: id, parent: parent === 0 ? null : parent - 1, at: cursor.varint() };
    }
    case recordType.position:
      return { type: 'position', writer: id, branch: cursor.varint(), length: cursor.varint() };
    case recordType.left:
      return { type: 'left', writer: id, atMs: time() };
    case recordType.decided:
      return { type: 'decided', branch: id, bodyLength: cursor.varint() };
    default:
      throw new LiveLogError('corrupt', `unknown record type ${type}`);
  }
}

function* decodeExtend(cursor: RecordCursor, time: () => number): Generator<JournalEntry, void, undefined> {
  const branch = cursor.varint();
  const runs: ExtendRun[] = [];
  const count = cursor.varint();
  // Each run takes at least two bytes: a larger count is garbage, not a reason to loop for long.
  if (count > cursor.remaining / 2) throw new LiveLogError('corrupt', `an extend claims ${count} runs`);
  for (let left = count; left > 0; left--) runs.push({ atMs: time(), length: cursor.varint() });
  const bytes = cursor.bytes(runs.reduce((sum, run) => sum + run.length, 0));
  let at = 0;
  for (const run of runs) {
    yield { type: 'extend', branch, atMs: run.atMs, bytes: bytes.subarray(at, at + run.length) };
    at += run.length;
  }
}

function decodeSegment(cursor: RecordCursor): SegmentRecord {
  const length = cursor.varint();
  const payloadOffset = cursor.offset;
  return { type: 'segment', bytes: cursor.bytes(length), payloadOffset };
}
