import { divergingStreams, firstDifference } from '@faf-replay/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreHarness, concatBytes, settle } from '../testing/index.js';
import type { PipeConnection } from '../testing/index.js';

// The whole lifecycle with every chunk lent from ONE buffer that is overwritten (each byte
// inverted) as soon as the receiver returns, as the TCP adapter reads every socket into one
// reused buffer. Six diverging_1 writers send their connection header and stream as one byte
// sequence cut at random (1-byte chunks, the header split across chunks, header and body in one
// chunk); readers join early. Anything in the core that kept a lent chunk instead of copying it
// would save or send inverted bytes.

const streams = divergingStreams();
const winner = streams[5] as Uint8Array;
const delayMs = 2_000;
const stepMs = 100;

interface Plan {
  readonly joins: readonly number[];
  /** Each writer's chunk sizes, used in turn. */
  readonly cuts: readonly (readonly number[])[];
  readonly bytesPerStep: number;
  readonly lentBufferBytes: number;
  readonly readerJoins: readonly number[];
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  joins: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }),
  cuts: fc.array(
    fc.array(fc.constantFrom(1, 2, 3, 5, 64, 1_000, 4_096, 20_000), { minLength: 1, maxLength: 6 }),
    { minLength: 6, maxLength: 6 },
  ),
  bytesPerStep: fc.constantFrom(700, 5_000, 40_000, Number.MAX_SAFE_INTEGER),
  lentBufferBytes: fc.constantFrom(16, 4_096, 65_536),
  readerJoins: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
});

/** One writer's bytes on the wire, sent in turns of its chunk sizes. */
class WireWriter {
  readonly #bytes: Uint8Array;
  readonly #cuts: readonly number[];
  readonly #connection: PipeConnection;
  #sent = 0;
  #turn = 0;

  constructor(stream: Uint8Array, cuts: readonly number[], connection: PipeConnection) {
    this.#bytes = concatBytes([new TextEncoder().encode('P/1/w\0'), stream]);
    this.#cuts = cuts;
    this.#connection = connection;
  }

  /** Sends up to `byteCount` more bytes, then closes at the end of the stream. */
  send(byteCount: number): void {
    const client = this.#connection.client;
    if (client.closedBy !== 'open' || this.#sent === this.#bytes.length) return;
    const until = Math.min(this.#bytes.length, this.#sent + byteCount);
    while (this.#sent < until) {
      const size = this.#cuts[this.#turn++ % this.#cuts.length] ?? 1;
      const end = Math.min(until, this.#sent + size);
      client.send(this.#bytes.slice(this.#sent, end));
      this.#sent = end;
    }
    if (this.#sent === this.#bytes.length) client.close();
  }
}

async function play(plan: Plan): Promise<void> {
  const h = new CoreHarness({
    settings: { delayMs, graceMs: 1_000, updateIntervalMs: 200 },
    lendChunksBytes: plan.lentBufferBytes,
  });
  const writers: (WireWriter | undefined)[] = streams.map(() => undefined);
  const readers: PipeConnection[] = [];
  for (let step = 0; step < 200 && (step < 12 || h.directory.liveGames > 0); step++) {
    streams.forEach((stream, index) => {
      if (plan.joins[index] === step)
        writers[index] = new WireWriter(stream, plan.cuts[index] ?? [1], h.connect());
      writers[index]?.send(plan.bytesPerStep);
    });
    const firstJoin = Math.min(...plan.joins);
    for (const join of plan.readerJoins)
      if (firstJoin + 1 + join === step) readers.push(h.connect('G/1/r\0'));
    await settle();
    await h.clock.advance(stepMs);
  }
  await h.allServed();
  const saved = h.archive.replays.get(1n);
  expect(saved).toBeDefined();
  const savedBytes = concatBytes([saved?.scfaHeader ?? new Uint8Array(), ...(saved?.body ?? [])]);
  expect(firstDifference(savedBytes, winner)).toBe(-1);
  for (const reader of readers) expect(firstDifference(reader.client.received(), winner)).toBe(-1);
}

describe('the replay lifecycle, with chunks lent from one overwritten buffer', () => {
  it('saves and sends every reader exactly stream 5, however the streams are cut', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        await play(plan);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('keeps the bytes of writers that send everything in one chunk (one lent read each)', async () => {
    // Each stream (at most 27 KB) with its headers fits one 64 KiB lent read.
    const whole = Number.MAX_SAFE_INTEGER;
    await play({
      joins: [0, 0, 0, 0, 0, 0],
      cuts: streams.map(() => [whole]),
      bytesPerStep: whole,
      lentBufferBytes: 65_536,
      readerJoins: [0],
    });
  });
});
