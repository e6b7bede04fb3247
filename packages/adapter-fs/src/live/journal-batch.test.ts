import type { JournalEntry } from '@faf-replay/core';
import { describe, expect, it } from 'vitest';
import { JournalBatch } from './journal-batch.js';
import type { CommittedSegment } from './journal-batch.js';
import { FRAME_HEADER_BYTES } from './log-frame.js';
import { decodeRecords } from './log-records.js';
import type { LogRecord } from './log-records.js';

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) % 251);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

/** The records of a batch encoded as a frame, decoded back (bytes as plain arrays, for toEqual). */
function roundTrip(
  batch: JournalBatch,
  placed: (segment: number, position: number) => void = () => undefined,
) {
  const frame = batch.encode(100, placed);
  const all = concat(frame.parts);
  expect(all.length).toBe(frame.bytes);
  const records = [...decodeRecords(all.subarray(FRAME_HEADER_BYTES))];
  return { frame, all, records: records.map(plain) };
}

/** Whether `a` is a view of the very bytes of `b`. */
function sameMemory(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.length === b.length;
}

function plain(record: LogRecord): unknown {
  if (record.type === 'segment') return { type: 'segment', bytes: [...record.bytes] };
  return 'bytes' in record ? { ...record, bytes: [...record.bytes] } : record;
}

describe('JournalBatch', () => {
  it('encodes every kind of entry and reads it back as it was given', () => {
    const batch = new JournalBatch();
    const entries: JournalEntry[] = [
      { type: 'fork', branch: 0, parent: null, at: 0 },
      { type: 'writer', writer: 0, name: 'Zoë "the" player', atMs: 1_767_225_600_000 },
      { type: 'header', writer: 0, bytes: bytes(2_000, 1), atMs: 1_767_225_600_005 },
      { type: 'extend', branch: 0, bytes: bytes(10, 2), atMs: 1_767_225_599_000 },
      { type: 'fork', branch: 7, parent: 0, at: 2 ** 40 },
      { type: 'position', writer: 0, branch: 7, length: Number.MAX_SAFE_INTEGER },
      { type: 'decided', branch: 0, bodyLength: 3 },
      { type: 'left', writer: 0, atMs: 0 },
    ];
    for (const entry of entries) batch.journal(entry);
    expect(roundTrip(batch).records).toEqual(entries.map(plain));
  });

  it('keeps one extend per branch, the last position of each writer and the last decision', () => {
    // TIMELINE: two writers send 3 chunks each, 100 ms apart, that agree; one fork at the end
    const batch = new JournalBatch();
    const t0 = 5_000;
    for (let chunk = 0; chunk < 3; chunk++) {
      const atMs = t0 + chunk * 100;
      batch.journal({ type: 'extend', branch: 0, bytes: bytes(50, chunk), atMs });
      batch.journal({ type: 'position', writer: 0, branch: 0, length: 50 * (chunk + 1) });
      batch.journal({ type: 'position', writer: 1, branch: 0, length: 50 * (chunk + 1) });
      batch.journal({ type: 'decided', branch: 0, bodyLength: 10 * chunk });
    }
    batch.journal({ type: 'fork', branch: 1, parent: 0, at: 120 });
    batch.journal({ type: 'extend', branch: 1, bytes: bytes(5, 9), atMs: t0 + 2_500 });
    batch.journal({ type: 'extend', branch: 0, bytes: bytes(7, 8), atMs: t0 + 2_600 });
    batch.journal({ type: 'position', writer: 1, branch: 1, length: 125 });

    const expected: JournalEntry[] = [
      // Bytes within 1 s of a run's first share it, stamped with their latest arrival.
      {
        type: 'extend',
        branch: 0,
        bytes: concat([bytes(50, 0), bytes(50, 1), bytes(50, 2)]),
        atMs: t0 + 200,
      },
      { type: 'extend', branch: 0, bytes: bytes(7, 8), atMs: t0 + 2_600 },
      { type: 'position', writer: 0, branch: 0, length: 150 },
      { type: 'decided', branch: 0, bodyLength: 20 },
      { type: 'fork', branch: 1, parent: 0, at: 120 },
      { type: 'extend', branch: 1, bytes: bytes(5, 9), atMs: t0 + 2_500 },
      { type: 'position', writer: 1, branch: 1, length: 125 },
    ];
    expect(roundTrip(batch).records).toEqual(expected.map(plain));
  });

  it('copies a header, whose array the caller may reuse at once, and keeps extend bytes as they are', () => {
    const batch = new JournalBatch();
    const header = bytes(600, 4);
    // The merge's own storage: never changed, so the batch writes it without a copy.
    const kept = bytes(600, 3);
    batch.journal({ type: 'header', writer: 0, bytes: header, atMs: 1 });
    batch.journal({ type: 'extend', branch: 0, bytes: kept, atMs: 1 });
    const expected = [
      { type: 'header', writer: 0, bytes: [...header], atMs: 1 },
      { type: 'extend', branch: 0, bytes: [...kept], atMs: 1 },
    ];
    header.fill(0);
    const { frame, records } = roundTrip(batch);
    expect(records).toEqual(expected);
    expect(frame.parts.some((part) => sameMemory(part, kept))).toBe(true);
  });

  it('writes consecutive extends of one buffer as one part of it, and several positions as the last', () => {
    const batch = new JournalBatch();
    // Enough positions that the batch drops the holes they leave, several times.
    const block = bytes(10_000, 8);
    for (let at = 0; at < 10_000; at += 100) {
      batch.journal({ type: 'extend', branch: 0, bytes: block.subarray(at, at + 100), atMs: 5 });
      batch.journal({ type: 'position', writer: 0, branch: 0, length: at + 100 });
      batch.journal({ type: 'position', writer: 1, branch: 0, length: at });
    }
    batch.journal({ type: 'extend', branch: 0, bytes: bytes(700, 9), atMs: 6 });
    const { frame, records } = roundTrip(batch);
    expect(frame.parts.filter((part) => part.buffer === block.buffer).map((part) => part.length)).toEqual([
      10_000,
    ]);
    expect(records).toEqual([
      { type: 'extend', branch: 0, bytes: [...block, ...bytes(700, 9)], atMs: 6 },
      { type: 'position', writer: 0, branch: 0, length: 10_000 },
      { type: 'position', writer: 1, branch: 0, length: 9_900 },
    ]);
  });

  it('places each segment where its bytes go in the file', () => {
    const batch = new JournalBatch();
    const segments: CommittedSegment[] = [
      { index: 4, offset: 1_000, views: [bytes(300, 5), bytes(700, 6)], length: 1_000 },
      { index: 5, offset: 2_000, views: [bytes(20, 7)], length: 20 },
    ];
    batch.journal({ type: 'extend', branch: 0, bytes: bytes(30, 1), atMs: 1 });
    for (const segment of segments) batch.segment(segment);
    const placed = new Map<number, number>();
    const { frame, all, records } = roundTrip(batch, (segment, position) => placed.set(segment, position));
    expect(frame.canonicalEnd).toBe(2_020);
    expect(records.filter((record) => (record as LogRecord).type === 'segment')).toHaveLength(2);
    for (const segment of segments) {
      const at = (placed.get(segment.index) ?? Number.NaN) - frame.position;
      expect([...all.subarray(at, at + segment.length)]).toEqual([...concat(segment.views)]);
    }
  });

  it('counts about what it will write, to bound memory and to write large batches early', () => {
    const batch = new JournalBatch();
    expect(batch.empty).toBe(true);
    batch.journal({ type: 'extend', branch: 0, bytes: bytes(10_000, 1), atMs: 1 });
    for (let i = 0; i < 100; i++) batch.journal({ type: 'position', writer: 0, branch: 0, length: i });
    const { frame } = roundTrip(batch);
    expect(batch.bytes).toBeGreaterThanOrEqual(10_000);
    expect(Math.abs(batch.bytes - frame.bytes)).toBeLessThan(64);
  });
});
