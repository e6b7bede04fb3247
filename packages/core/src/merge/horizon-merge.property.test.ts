import { divergingStreams, fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offlineMerge } from '../testing/offline-merge.js';
import type { WriterStreamBytes } from '../testing/offline-merge.js';
import type { MemoryCanonicalLog } from '../log/memory-replay-log.js';
import type { HorizonMergeSettings } from './horizon-merge.js';
import { simulateMerge } from './merge-simulation.test-support.js';
import type { SimulatedWriter, WriterTiming } from './merge-simulation.test-support.js';

// The property of the horizon merge (issue 9): for any chunking, connection order and timing in
// which every writer sends its first bytes within the delay of the game's first writer (and at a
// common pace, so that no writer falls a delay behind another), the committed stream equals the
// offline merge of the complete streams, and no byte is committed before its horizon.

const diverging = divergingStreams().map((stream) => split(stream, fixtureFacts.diverging.headerBytes));
const example = split(fixture('example.scfareplay'), fixtureFacts.example.headerBytes);

function split(stream: Uint8Array, headerBytes: number): WriterStreamBytes {
  return { header: stream.subarray(0, headerBytes), body: stream.subarray(headerBytes) };
}

const settingsArb: fc.Arbitrary<HorizonMergeSettings> = fc.record({
  delayMs: fc.constantFrom(1_000, 5_000, 10_000),
  coalesceMs: fc.constantFrom(50, 200, 1_000),
  comparisonDistanceBytes: fc.constantFrom(512, 4_096, 1e9),
});

/** Chunk sizes used in a cycle: mostly real-sized, sometimes a run of tiny ones (1-byte included). */
const chunkSizesArb = fc.array(
  fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 16 }) },
    { weight: 6, arbitrary: fc.integer({ min: 64, max: 8_192 }) },
  ),
  { minLength: 1, maxLength: 6 },
);

/** Timings within the property's precondition: joins within half the delay, one common pace. */
function timingsArb(count: number, delayMs: number): fc.Arbitrary<WriterTiming[]> {
  return fc
    .tuple(
      fc.constantFrom(0, 0.01, 0.2, 1),
      fc.array(
        fc.record({
          joinMs: fc.integer({ min: 0, max: Math.floor(delayMs / 2) }),
          chunkSizes: chunkSizesArb,
          lingerMs: fc.integer({ min: 0, max: delayMs * 3 }),
        }),
        { minLength: count, maxLength: count },
      ),
    )
    .map(([msPerByte, writers]) =>
      writers.map((writer) => ({
        ...writer,
        msPerByte,
        // A chunk is sent when its last byte exists: it must not hold bytes back a quarter delay.
        chunkSizes: writer.chunkSizes.map((size) =>
          msPerByte === 0 ? size : Math.max(1, Math.min(size, Math.floor(delayMs / 4 / msPerByte))),
        ),
      })),
    );
}

const tieBreakArb = fc.integer().map((seed) => (count: number) => shuffledRanks(count, seed));

function shuffledRanks(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  });
}

/** Forks of one honest stream: early leavers, corrupted or extended tails, a hostile stream. */
interface ForkPlan {
  readonly honest: readonly { readonly cut: 'full' | 'early' | 'corrupt' | 'extend'; readonly at: number }[];
  readonly bodyBytes: number;
  readonly hostile: 'none' | 'first' | 'ahead';
  readonly seed: number;
}

const forkPlanArb: fc.Arbitrary<ForkPlan> = fc.record({
  honest: fc.array(
    fc.record({
      cut: fc.constantFrom('full', 'full', 'early', 'corrupt', 'extend'),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  bodyBytes: fc.integer({ min: 200, max: example.body.length }),
  hostile: fc.constantFrom('none', 'first', 'ahead'),
  seed: fc.integer(),
});

/** Tails are short (at most 300 bytes), so a tie on votes is decided on final lengths. */
function forkStreams(plan: ForkPlan): WriterStreamBytes[] {
  const body = example.body.subarray(0, plan.bodyBytes);
  const noise = (length: number, salt: number): Uint8Array =>
    Uint8Array.from(shuffledRanks(length, plan.seed + salt), (value) => value >>> 24);
  const streams = plan.honest.map(({ cut, at }, index) => {
    const point = Math.max(body.length - 300, 0) + Math.floor(at * Math.min(300, body.length));
    if (cut === 'early') return { header: example.header, body: body.subarray(0, point) };
    if (cut === 'extend')
      return { header: example.header, body: concat(body, noise(1 + (point % 97), index)) };
    if (cut === 'corrupt') {
      return {
        header: example.header,
        body: concat(body.subarray(0, point), noise(body.length - point + (index % 3), index)),
      };
    }
    return { header: example.header, body };
  });
  if (plan.hostile === 'none' || streams.length < 2) return streams;
  const foreign = diverging[0] as WriterStreamBytes;
  return [...streams, { header: foreign.header, body: noise(body.length + 500, 99) }];
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Runs one game and checks the invariants after every step and the result at the end. */
function runGame(
  streams: readonly WriterStreamBytes[],
  timings: readonly WriterTiming[],
  settings: HorizonMergeSettings,
  tieBreak: (count: number) => number[],
): void {
  const writers: SimulatedWriter[] = streams.map((stream, index) => ({
    ...stream,
    ...(timings[index] as WriterTiming),
  }));
  const arrivals = writers.map(
    (writer) => (offset: number) => writer.joinMs + (offset + 1) * writer.msPerByte,
  );
  expect(Math.max(...writers.map((writer) => writer.joinMs))).toBeLessThan(settings.delayMs);
  const committed = new Committed();
  const result = simulateMerge(writers, settings, tieBreak, ({ nowMs, canonical, headerLength }) => {
    const grown = committed.follow(canonical);
    if (headerLength === undefined || !grown || allLeft(writers, nowMs, settings.delayMs)) return;
    const bodyLength = canonical.length - headerLength;
    if (bodyLength <= 0) return;
    // The last committed byte arrived, from some writer holding the committed body, a delay ago.
    const body = committed.bytes.subarray(headerLength, canonical.length);
    const last = bodyLength - 1;
    let firstArrival = Number.POSITIVE_INFINITY;
    writers.forEach((writer, index) => {
      if (writer.body.length > last && firstDifference(writer.body.subarray(0, bodyLength), body) === -1) {
        firstArrival = Math.min(firstArrival, arrivals[index]?.(last) ?? Infinity);
      }
    });
    expect(firstArrival + settings.delayMs).toBeLessThanOrEqual(nowMs);
  });
  const byHeaderArrival = writers
    .map((writer, index) => ({ writer, index }))
    .sort((a, b) => a.writer.joinMs - b.writer.joinMs || a.index - b.index)
    .map(({ writer }) => writer);
  const expected = offlineMerge(byHeaderArrival);
  expect(result.header === undefined).toBe(expected === undefined);
  expect(firstDifference(result.header ?? new Uint8Array(0), expected?.header ?? new Uint8Array(0))).toBe(-1);
  expect(firstDifference(result.body, expected?.body ?? new Uint8Array(0))).toBe(-1);
}

/** The committed stream as seen so far; checks that what was committed never changes. */
class Committed {
  bytes = new Uint8Array(0);
  #length = 0;

  /** Takes in what was committed since the last call; returns whether it grew. */
  follow(canonical: MemoryCanonicalLog): boolean {
    if (canonical.length === this.#length) return false;
    if (this.#length > 0) {
      const [first] = canonical.tail(0, 1);
      expect(first?.[0]).toBe(this.bytes[0]);
      const at = this.#length - 1;
      expect(canonical.tail(at, at + 1)[0]?.[0]).toBe(this.bytes[at]);
    }
    expect(canonical.length).toBeGreaterThan(this.#length);
    if (canonical.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(canonical.length, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.#length));
      this.bytes = grown;
    }
    let at = this.#length;
    for (const view of canonical.tail(this.#length, canonical.length)) {
      this.bytes.set(view, at);
      at += view.length;
    }
    this.#length = canonical.length;
    return true;
  }
}

/** Once every writer left and the join window passed, the game is over: the rest is decided at once. */
function allLeft(writers: readonly SimulatedWriter[], nowMs: number, delayMs: number): boolean {
  const firstJoin = Math.min(...writers.map((writer) => writer.joinMs));
  const lastLeave = Math.max(
    ...writers.map((writer) => writer.joinMs + writer.body.length * writer.msPerByte + writer.lingerMs),
  );
  return nowMs >= lastLeave && nowMs >= firstJoin + delayMs;
}

describe('the horizon merge, over random schedules', () => {
  it('diverging_1: every schedule gives the offline merge, which is stream 5', () => {
    expect(
      firstDifference(
        offlineMerge(diverging)?.body ?? new Uint8Array(),
        (diverging[5] as WriterStreamBytes).body,
      ),
    ).toBe(-1);
    fc.assert(
      fc.property(
        settingsArb.chain((settings) =>
          fc.tuple(fc.constant(settings), timingsArb(diverging.length, settings.delayMs), tieBreakArb),
        ),
        ([settings, timings, tieBreak]) => {
          runGame(diverging, timings, settings, tieBreak);
        },
      ),
      { numRuns: 500 },
    );
  }, 180_000);

  it('generated forks: early leavers, corrupted and extended tails, a hostile stream first or ahead', () => {
    fc.assert(
      fc.property(
        settingsArb.chain((settings) =>
          forkPlanArb.chain((plan) => {
            const streams = forkStreams(plan);
            return fc.tuple(
              fc.constant(settings),
              fc.constant(plan),
              fc.constant(streams),
              timingsArb(streams.length, settings.delayMs),
              tieBreakArb,
            );
          }),
        ),
        ([settings, plan, streams, timings, tieBreak]) => {
          const adjusted = timings.map((timing, index) => {
            if (plan.hostile === 'none' || index !== streams.length - 1) return timing;
            // The hostile writer: first of all, or later and several times faster than the players.
            return plan.hostile === 'first'
              ? { ...timing, joinMs: 0 }
              : { ...timing, msPerByte: timing.msPerByte / 8 };
          });
          runGame(streams, adjusted, settings, tieBreak);
        },
      ),
      { numRuns: 500 },
    );
  }, 180_000);

  it('one-writer games: the committed stream is the writer stream', () => {
    fc.assert(
      fc.property(
        settingsArb.chain((settings) =>
          fc.tuple(
            fc.constant(settings),
            timingsArb(1, settings.delayMs),
            tieBreakArb,
            fc.integer({ min: 0, max: example.body.length }),
          ),
        ),
        ([settings, timings, tieBreak, bodyBytes]) => {
          runGame(
            [{ header: example.header, body: example.body.subarray(0, bodyBytes) }],
            timings,
            settings,
            tieBreak,
          );
        },
      ),
      { numRuns: 100 },
    );
  }, 180_000);
});
