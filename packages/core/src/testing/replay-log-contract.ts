import { describe, expect, it } from 'vitest';
import type { JournalEntry, RecoveredLog, ReplayLog, ReplayLogStore } from '../ports/replay-log.js';

/** One store under test, with a way to open the same storage again as a fresh process would. */
export interface ReplayLogStoreFixture {
  readonly store: ReplayLogStore;
  /** A new store over the same storage (a restart); undefined for a store that keeps nothing. */
  readonly reopen: (() => Promise<ReplayLogStore>) | undefined;
  readonly cleanup: () => Promise<void>;
}

const HOT_BYTES = 4_096;

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

async function readAll(iterable: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(chunk.slice());
  return concat(chunks);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A journal of every entry type, as a merge writes it. */
function sampleJournal(): JournalEntry[] {
  return [
    { type: 'fork', branch: 0, parent: null, at: 0 },
    { type: 'writer', writer: 0, name: 'alice.SCFAreplay', atMs: 1_000 },
    { type: 'header', writer: 0, bytes: bytes(300, 1), atMs: 1_001 },
    { type: 'extend', branch: 0, bytes: bytes(5_000, 2), atMs: 1_002 },
    { type: 'position', writer: 0, branch: 0, length: 5_000 },
    { type: 'writer', writer: 1, name: 'bob.SCFAreplay', atMs: 1_500 },
    { type: 'fork', branch: 1, parent: 0, at: 4_000 },
    { type: 'extend', branch: 1, bytes: bytes(700, 3), atMs: 1_600 },
    { type: 'position', writer: 1, branch: 1, length: 4_700 },
    { type: 'decided', branch: 0, bodyLength: 2_000 },
    { type: 'left', writer: 1, atMs: 2_000 },
  ];
}

function sameEntry(actual: JournalEntry | undefined, expected: JournalEntry): void {
  if (actual === undefined) throw new Error(`missing entry ${expected.type}`);
  if ('bytes' in expected) {
    expect({ ...actual, bytes: undefined }).toEqual({ ...expected, bytes: undefined });
    expect(Buffer.compare((actual as typeof expected).bytes, expected.bytes)).toBe(0);
  } else {
    expect(actual).toEqual(expected);
  }
}

type ContractTest = (fixture: ReplayLogStoreFixture) => Promise<void>;

/** Committed bytes read back from every offset, as segments and as a tail. */
const readsBackCommitted: ContractTest = async ({ store }) => {
  const log = store.open(1n, { hotBytes: HOT_BYTES });
  const parts = [bytes(300, 10), bytes(1, 11), bytes(70_000, 12), bytes(600_000, 13), bytes(5, 14)];
  for (const part of parts) log.canonical.append([part.subarray(0, 2), part.subarray(2)]);
  const all = concat(parts);
  expect(log.canonical.length).toBe(all.length);
  log.canonical.finish();
  for (const from of [0, 1, 299, 300, 301, 70_300, all.length - 1, all.length]) {
    expect(Buffer.compare(await readAll(log.canonical.read(from)), all.subarray(from))).toBe(0);
  }
  expect(Buffer.compare(concat(await segmentsOf(log.canonical)), all)).toBe(0);
  expect(log.canonical.segmentCount).toBeGreaterThanOrEqual(parts.length);
  expect(log.canonical.segmentOffset(1)).toBe(300);
  expect(await log.canonical.segment(log.canonical.segmentCount)).toBeUndefined();
  const tail = concat(log.canonical.tail(all.length - HOT_BYTES, all.length));
  expect(Buffer.compare(tail, all.subarray(all.length - HOT_BYTES))).toBe(0);
  await log.remove();
};

async function segmentsOf(canonical: ReplayLog['canonical']): Promise<Uint8Array[]> {
  const segments: Uint8Array[] = [];
  for (let n = 0; n < canonical.segmentCount; n++) {
    const segment = await canonical.segment(n);
    expect(segment?.offset).toBe(canonical.segmentOffset(n));
    segments.push(segment?.bytes ?? new Uint8Array());
  }
  return segments;
}

/** Readers get new bytes as they are committed, and their end at the finish. */
const followsCommits: ContractTest = async ({ store }) => {
  const log = store.open(2n, { hotBytes: HOT_BYTES });
  const first = bytes(1_000, 20);
  const second = bytes(2_000, 21);
  log.canonical.append([first]);
  const fromStart = readAll(log.canonical.read(0));
  const fromMiddle = readAll(log.canonical.read(1_500));
  const stopping = new AbortController();
  const stopped = readAll(log.canonical.read(0, stopping.signal));
  await Promise.resolve();
  log.canonical.append([second]);
  stopping.abort();
  log.canonical.finish();
  const all = concat([first, second]);
  expect(Buffer.compare(await fromStart, all)).toBe(0);
  expect(Buffer.compare(await fromMiddle, all.subarray(1_500))).toBe(0);
  expect((await stopped).length).toBeLessThanOrEqual(all.length);
  expect(() => {
    log.canonical.append([first]);
  }).toThrow();
  await log.remove();
};

/** The journal and the committed stream outlive the process, until removed. */
const survivesTheProcess: ContractTest = async ({ store, reopen }) => {
  const log = store.open(3n, { hotBytes: HOT_BYTES });
  const journal = sampleJournal();
  for (const entry of journal) log.journal(entry);
  const committed = [bytes(300, 30), bytes(2_000, 31)];
  for (const part of committed) log.canonical.append([part]);
  const removed = store.open(4n, { hotBytes: HOT_BYTES });
  removed.journal({ type: 'fork', branch: 0, parent: null, at: 0 });
  await log.sync();
  await removed.sync();
  await removed.remove();
  await log.close();
  if (reopen === undefined) {
    expect(await collect(store.recover({ hotBytes: HOT_BYTES }))).toEqual([]);
    return;
  }
  const recovered: RecoveredLog[] = await collect((await reopen()).recover({ hotBytes: HOT_BYTES }));
  expect(recovered.map((r) => r.log.gameId)).toEqual([3n]);
  await expectRecovered(recovered[0] as RecoveredLog, journal, committed);
  expect(await collect((await reopen()).recover({ hotBytes: HOT_BYTES }))).toEqual([]);
};

async function expectRecovered(
  game: RecoveredLog,
  journal: JournalEntry[],
  committed: Uint8Array[],
): Promise<void> {
  const entries = await collect(game.entries);
  expect(entries.length).toBe(journal.length);
  journal.forEach((entry, index) => {
    sameEntry(entries[index], entry);
  });
  expect(game.log.canonical.length).toBe(2_300);
  expect((await game.log.canonical.segment(0))?.bytes.length).toBe(300);
  game.log.canonical.append([bytes(10, 32)]);
  game.log.canonical.finish();
  const all = concat([...committed, bytes(10, 32)]);
  expect(Buffer.compare(await readAll(game.log.canonical.read(0)), all)).toBe(0);
  await game.log.remove();
}

/**
 * The contract every `ReplayLogStore` passes (memory, files, JetStream): committed bytes read
 * back exactly, from any offset, while they are being committed; numbered segments; a hot tail;
 * and, for a store that keeps logs across processes, recovery of the journal and the committed
 * stream, and nothing after `remove()`.
 */
export function describeReplayLogContract(name: string, open: () => Promise<ReplayLogStoreFixture>): void {
  const withStore = (test: ContractTest) => async (): Promise<void> => {
    const fixture = await open();
    try {
      await test(fixture);
    } finally {
      await fixture.cleanup();
    }
  };
  describe(`ReplayLogStore contract: ${name}`, () => {
    it(
      'reads back the committed stream from every offset, as segments and as a tail',
      withStore(readsBackCommitted),
    );
    it(
      'gives readers new bytes as they are committed, and their end at the finish',
      withStore(followsCommits),
    );
    it(
      'keeps the journal and the committed stream for the next process, until removed',
      withStore(survivesTheProcess),
    );
  });
}
