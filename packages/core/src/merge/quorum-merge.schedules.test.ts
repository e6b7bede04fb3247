import { divergingStreams, fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalStream } from '../streams/canonical-stream.js';
import { PositionHistory } from '../streams/position-history.js';
import { WriterStream } from '../streams/writer-stream.js';
import { QuorumMerge } from './quorum-merge.js';

// The merge driven as the replay lifecycle drives it, on simulated update ticks (no clock):
// per tick, writers join, send their header, receive body chunks, end, then every live writer
// records its position and the merge hears of those that changed.

interface WriterStreamBytes {
  readonly header: Uint8Array;
  readonly body: Uint8Array;
}

interface WriterTiming {
  /** Sizes of the chunks the writer's body arrives in, used in a cycle. */
  readonly chunkSizes: readonly number[];
  /** How many chunks may arrive per tick, at least and at most. */
  readonly chunksPerTick: readonly [number, number];
  readonly joinTick: number;
  readonly headerTicks: number;
  /** Ticks between its last byte and its end. */
  readonly lingerTicks: number;
}

interface Schedule {
  /** One per writer, in the order of the streams given to `runSchedule`. */
  readonly writers: readonly WriterTiming[];
  readonly delayTicks: number;
  readonly quorumSize: number;
  readonly comparisonDistanceBytes: number;
  readonly seed: number;
  /**
   * Until every writer has sent its header, none sends more body than this. Players connect at
   * game start: a lone early writer that the merge follows past a divergence is not realistic.
   */
  readonly soloCapBytes?: number;
}

interface LiveWriter {
  readonly plan: WriterTiming & WriterStreamBytes;
  readonly stream: WriterStream;
  sent: number;
  chunkIndex: number;
  headerSent: boolean;
  lastByteTick: number;
  ended: boolean;
}

const tickMs = 100;

function random(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

/**
 * Checks the canonical invariants after every event. With `expected`, the merged bytes must stay
 * a prefix of it; without, appended bytes cannot change anyway (the storage is append-only).
 */
function invariantChecker(canonical: CanonicalStream, expected?: Uint8Array): () => void {
  let length = 0;
  let delayed = 0;
  return () => {
    expect(canonical.length).toBeGreaterThanOrEqual(length);
    expect(canonical.delayedLength).toBeGreaterThanOrEqual(delayed);
    expect(canonical.delayedLength).toBeLessThanOrEqual(canonical.length);
    if (expected === undefined) {
      [length, delayed] = [canonical.length, canonical.delayedLength];
      return;
    }
    expect(canonical.length).toBeLessThanOrEqual(expected.length);
    const added = Buffer.concat(canonical.slices(length, canonical.length));
    const difference = firstDifference(added, expected.subarray(length, canonical.length));
    expect(
      difference === -1 ? -1 : length + difference,
      'first offset where C leaves the expected body',
    ).toBe(-1);
    [length, delayed] = [canonical.length, canonical.delayedLength];
  };
}

/** One simulated game: the writers of a schedule, driven tick by tick through the merge. */
class SimulatedGame {
  readonly canonical = new CanonicalStream();
  readonly merge: QuorumMerge;
  readonly live: LiveWriter[] = [];
  readonly #schedule: Schedule;
  readonly #streams: readonly WriterStreamBytes[];
  readonly #check: () => void;
  readonly #rng: (below: number) => number;

  constructor(schedule: Schedule, streams: readonly WriterStreamBytes[], expected?: Uint8Array) {
    this.merge = new QuorumMerge(this.canonical, schedule);
    this.#schedule = schedule;
    this.#streams = streams;
    this.#check = invariantChecker(this.canonical, expected);
    this.#rng = random(schedule.seed);
  }

  get over(): boolean {
    return this.live.length === this.#schedule.writers.length && this.live.every((w) => w.ended);
  }

  tick(tick: number): void {
    this.#join(tick);
    this.#sendHeaders(tick);
    for (const writer of this.#shuffled(this.live.filter((w) => w.headerSent && !w.ended))) {
      const [least, most] = writer.plan.chunksPerTick;
      for (let chunks = least + this.#rng(most - least + 1); chunks > 0; chunks--) {
        deliver(writer, tick, this.#capBytes());
      }
    }
    this.#endDone(tick);
    for (const writer of this.#shuffled(this.live.filter((w) => !w.ended))) {
      if (writer.stream.recordPosition()) this.merge.writerUpdated(writer.stream);
      this.#check();
    }
  }

  finish(): void {
    this.merge.finish();
    this.#check();
  }

  #join(tick: number): void {
    const { delayTicks, writers } = this.#schedule;
    for (const [index, timing] of writers.entries()) {
      if (timing.joinTick !== tick) continue;
      const plan = { ...timing, ...(this.#streams[index] as WriterStreamBytes) };
      const stream = new WriterStream(`w${index}`, new PositionHistory(delayTicks * tickMs, tickMs));
      this.live.push({
        plan,
        stream,
        sent: 0,
        chunkIndex: 0,
        headerSent: false,
        lastByteTick: -1,
        ended: false,
      });
      this.merge.writerAdded(stream);
      this.#check();
    }
  }

  #sendHeaders(tick: number): void {
    for (const writer of this.live) {
      if (writer.headerSent || tick < writer.plan.joinTick + writer.plan.headerTicks) continue;
      writer.headerSent = true;
      if (writer.plan.body.length === 0) writer.lastByteTick = tick;
      this.merge.writerHeader(writer.stream, writer.plan.header);
      this.#check();
    }
  }

  #endDone(tick: number): void {
    for (const writer of this.#shuffled(this.live.filter((w) => !w.ended && w.lastByteTick >= 0))) {
      if (tick < writer.lastByteTick + writer.plan.lingerTicks) continue;
      writer.ended = true;
      writer.stream.finish();
      this.merge.writerRemoved(writer.stream);
      this.#check();
    }
  }

  #capBytes(): number {
    const allJoined =
      this.live.length === this.#schedule.writers.length && this.live.every((w) => w.headerSent);
    return allJoined ? Number.POSITIVE_INFINITY : (this.#schedule.soloCapBytes ?? Number.POSITIVE_INFINITY);
  }

  #shuffled<T>(items: T[]): T[] {
    return items
      .map((item) => [this.#rng(1 << 30), item] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, item]) => item);
  }
}

function runSchedule(
  schedule: Schedule,
  streams: readonly WriterStreamBytes[],
  expected?: Uint8Array,
  afterTick?: (writers: WriterStream[]) => void,
) {
  const game = new SimulatedGame(schedule, streams, expected);
  for (let tick = 0; !game.over; tick++) {
    expect(tick, 'ticks until every writer ended').toBeLessThan(100_000);
    game.tick(tick);
    afterTick?.(game.live.map((w) => w.stream));
  }
  game.finish();
  return { canonical: game.canonical, merge: game.merge };
}

function deliver(writer: LiveWriter, tick: number, capBytes: number): void {
  const { body, chunkSizes } = writer.plan;
  const size = chunkSizes[writer.chunkIndex++ % chunkSizes.length] ?? 1;
  const end = Math.min(body.length, writer.sent + size, Math.max(capBytes, writer.sent));
  if (end <= writer.sent) return;
  writer.stream.append(body.slice(writer.sent, end));
  writer.sent = end;
  if (end === body.length) writer.lastByteTick = tick;
}

function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(firstDifference(actual, expected), 'first differing offset').toBe(-1);
}

const example = fixture(fixtureFacts.example.file);
const exampleStream = {
  header: example.subarray(0, fixtureFacts.example.headerBytes),
  body: example.subarray(fixtureFacts.example.headerBytes),
};
const diverging = divergingStreams().map((stream) => ({
  header: stream.subarray(0, fixtureFacts.diverging.headerBytes),
  body: stream.subarray(fixtureFacts.diverging.headerBytes),
}));
const winnerBody = diverging[fixtureFacts.diverging.winner]?.body ?? new Uint8Array();
const defaults = { quorumSize: 2, comparisonDistanceBytes: 4096, seed: 1 } as const;
const steady = { joinTick: 0, headerTicks: 0, lingerTicks: 0, chunksPerTick: [1, 1] } as const;

describe('QuorumMerge on the fixtures', () => {
  it('gives the example body from one writer', () => {
    const writers = [{ ...steady, chunkSizes: [100] }];
    const { canonical } = runSchedule(
      { ...defaults, delayTicks: 30, writers },
      [exampleStream],
      exampleStream.body,
    );
    expectSameBytes(Buffer.concat(canonical.body()), exampleStream.body);
    expectSameBytes(canonical.header ?? new Uint8Array(), exampleStream.header);
  });

  for (const [name, fullSpeed, shortSpeed, fullJoin] of [
    ['the full one slower', [1, 1], [2, 2], 0],
    ['the short one slower', [2, 2], [1, 1], 0],
    ['one after the other', [1, 1], [1, 1], 400],
  ] as const) {
    it(`gives the full example from {full minus 100 bytes, full}, ${name}`, () => {
      const short = { ...exampleStream, body: exampleStream.body.subarray(0, -100) };
      const writers = [
        { ...steady, chunkSizes: [160], chunksPerTick: shortSpeed },
        { ...steady, chunkSizes: [160], chunksPerTick: fullSpeed, joinTick: fullJoin },
      ];
      const schedule = { ...defaults, delayTicks: 10, writers };
      const { canonical } = runSchedule(schedule, [short, exampleStream], exampleStream.body);
      expectSameBytes(Buffer.concat(canonical.body()), exampleStream.body);
    });
  }

  for (const [name, chunkSizes, delayTicks] of [
    ['4000-byte chunks every tick, 5 s delay (P test_replay)', [4000], 50],
    ['160-byte chunks, short delay', [160], 3],
    ['single bytes and 4 KiB chunks, no delay', [1, 4096, 1, 1, 7], 0],
  ] as const) {
    it(`gives exactly stream 5's body from the six diverging_1 writers: ${name}`, () => {
      const writers = diverging.map(() => ({ ...steady, chunkSizes }));
      const { canonical, merge } = runSchedule({ ...defaults, delayTicks, writers }, diverging, winnerBody);
      expect(canonical.length).toBe(27_121);
      expectSameBytes(Buffer.concat(canonical.body()), winnerBody);
      expect(merge.state).toBe('stalemate');
    });
  }

  it('keeps about one delay window of data per writer', () => {
    const long = fixture(fixtureFacts.long.file);
    const stream = {
      header: long.subarray(0, fixtureFacts.long.headerBytes),
      body: long.subarray(fixtureFacts.long.headerBytes),
    };
    const delayTicks = 20;
    const writers = [0, 1, 2].map(() => ({ ...steady, chunkSizes: [4096] }));
    let maxHeldBytes = 0;
    runSchedule({ ...defaults, delayTicks, writers }, [stream, stream, stream], stream.body, (streams) => {
      for (const writer of streams) {
        maxHeldBytes = Math.max(maxHeldBytes, writer.length - Math.min(writer.data.start, writer.length));
      }
    });
    expect(maxHeldBytes).toBeGreaterThan(0);
    expect(maxHeldBytes).toBeLessThanOrEqual(4096 * (2 * delayTicks + 3) + defaults.comparisonDistanceBytes);
  });
});

describe('QuorumMerge under random schedules of the six diverging_1 writers', () => {
  const chunkSize = fc.oneof(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 17, max: 8192 }));
  const timing = fc.record({
    chunkSizes: fc
      .tuple(fc.integer({ min: 512, max: 8192 }), fc.array(chunkSize, { maxLength: 6 }))
      .map(([big, rest]) => [big, ...rest]),
    chunksPerTick: fc
      .tuple(fc.nat(1), fc.nat(3))
      .map(([least, extra]) => [least, least + extra + 1] as const),
    joinTick: fc.nat(6),
    headerTicks: fc.nat(3),
    lingerTicks: fc.nat(8),
  });
  const schedule = fc.record({
    writers: fc.array(timing, { minLength: 6, maxLength: 6 }),
    delayTicks: fc.nat(15),
    quorumSize: fc.constantFrom(2, 3),
    comparisonDistanceBytes: fc.constantFrom(512, 4096, 2 ** 30),
    seed: fc.integer(),
    soloCapBytes: fc.constant(7000),
  });

  it("always gives exactly stream 5's body, keeping the invariants after every step", () => {
    fc.assert(
      fc.property(schedule, (plan) => {
        const { canonical, merge } = runSchedule(plan, diverging, winnerBody);
        expect(canonical.finished).toBe(true);
        expect(merge.state).toBe('stalemate');
        expectSameBytes(Buffer.concat(canonical.body()), winnerBody);
      }),
      { numRuns: 250 },
    );
  });
});

/**
 * Whether `stream` split off alone from at least `quorumSize` others that agree among
 * themselves (R's "lone offshoot"): at the first offset where no other stream shares its
 * prefix, some ≥ Q others that share the prefix so far continue with one other byte.
 */
function splitOffAlone(stream: Uint8Array, others: Uint8Array[], quorumSize: number): boolean {
  const shared = others.map((other) => Math.max(0, firstDifference(stream, other)));
  const aloneAt = Math.max(
    0,
    ...others.map((other, i) => (firstDifference(stream, other) === -1 ? stream.length : (shared[i] ?? 0))),
  );
  if (aloneAt >= stream.length) return false;
  const nextBytes = others
    .filter((other, i) => shared[i] === aloneAt && other.length > aloneAt)
    .map((other) => other[aloneAt]);
  return nextBytes.some((byte) => nextBytes.filter((b) => b === byte).length >= quorumSize);
}

describe('QuorumMerge under random faults (R fuzz test: 8 streams of 400 bytes)', () => {
  const flips = fc.array(fc.tuple(fc.nat(399), fc.nat(7)), { maxLength: 4 });
  const fault = fc.record({ flips, cut: fc.option(fc.nat(400), { freq: 3 }) });
  const timing = fc.record({
    chunkSizes: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
    chunksPerTick: fc
      .tuple(fc.nat(1), fc.nat(3))
      .map(([least, extra]) => [least, least + extra + 1] as const),
    joinTick: fc.constant(0),
    headerTicks: fc.nat(2),
    lingerTicks: fc.nat(4),
  });
  const game = fc.record({
    base: fc.uint8Array({ minLength: 400, maxLength: 400 }),
    faults: fc.array(fault, { minLength: 8, maxLength: 8 }),
    writers: fc.array(timing, { minLength: 8, maxLength: 8 }),
    delayTicks: fc.nat(10),
    quorumSize: fc.constantFrom(2, 3),
    seed: fc.integer(),
  });

  it('gives one of the streams that did not split off alone', () => {
    fc.assert(
      fc.property(game, ({ base, faults, ...plan }) => {
        const bodies = faults.map(({ flips: bitFlips, cut }) => {
          const body = base.slice(0, cut ?? base.length);
          for (const [offset, bit] of bitFlips) {
            if (offset < body.length) body[offset] = (body[offset] ?? 0) ^ (1 << bit);
          }
          return body;
        });
        const streams = bodies.map((body) => ({ header: Uint8Array.of(1, 3, 3, 7), body }));
        const { canonical } = runSchedule({ ...plan, comparisonDistanceBytes: 4096 }, streams);
        const merged = Buffer.concat(canonical.body());
        const eligible = bodies.filter(
          (body, i) =>
            !splitOffAlone(
              body,
              bodies.filter((_, j) => j !== i),
              plan.quorumSize,
            ),
        );
        expect(
          eligible.some((body) => firstDifference(merged, body) === -1),
          'merged body is an eligible stream',
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
