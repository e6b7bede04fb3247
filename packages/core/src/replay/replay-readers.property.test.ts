import { divergingStreams, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreHarness, concatBytes, settle } from '../testing/index.js';

// The whole lifecycle over pipes and a manual clock: six diverging_1 writers join within the
// delay, send in random chunks at a common pace, and leave; readers join at random times. Every
// reader receives exactly the saved replay, and the saved body is stream 5's.

const streams = divergingStreams();
const winnerBody = (streams[5] as Uint8Array).subarray(fixtureFacts.diverging.headerBytes);
const delayMs = 2_000;
const stepMs = 100;

interface Plan {
  readonly joins: readonly number[];
  readonly chunkBytes: readonly number[];
  readonly readerJoins: readonly number[];
  readonly bytesPerStep: number;
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  joins: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }),
  chunkBytes: fc.array(fc.constantFrom(1, 7, 300, 4_096), { minLength: 6, maxLength: 6 }),
  readerJoins: fc
    .array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 4 })
    .map((joins) => [...joins].sort((a, b) => a - b)),
  bytesPerStep: fc.constantFrom(500, 3_000, 40_000),
});

async function play(plan: Plan): Promise<void> {
  const h = new CoreHarness({ settings: { delayMs, graceMs: 1_000, updateIntervalMs: 200 } });
  const writers = streams.map(() => undefined as ReturnType<CoreHarness['connect']> | undefined);
  const sent = streams.map(() => 0);
  const readers: ReturnType<CoreHarness['connect']>[] = [];
  for (let step = 0; step < 200 && (step < 70 || h.directory.liveGames > 0); step++) {
    streams.forEach((stream, index) => {
      if (plan.joins[index] === step) writers[index] = h.connect('P/1/w\0');
      const writer = writers[index];
      if (writer === undefined || writer.client.closedBy !== 'open' || sent[index] === stream.length) return;
      const until = Math.min(stream.length, (sent[index] ?? 0) + plan.bytesPerStep);
      writer.client.sendInChunks(stream.subarray(sent[index], until), plan.chunkBytes[index] ?? 300);
      sent[index] = until;
      if (until === stream.length) writer.client.close();
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
  expect(firstDifference(concatBytes(saved?.body ?? []), winnerBody)).toBe(-1);
  readers.forEach((reader, index) => {
    const received = reader.client.received();
    // Within the grace period after the first writer joined, the game surely still takes readers;
    // later ones may find its write phase over (refused, nothing sent). None gets anything else.
    if ((plan.readerJoins[index] ?? 0) < 8) expect(received.length).toBe(savedBytes.length);
    if (received.length > 0) expect(firstDifference(received, savedBytes)).toBe(-1);
  });
}

describe('the replay lifecycle, over random schedules', () => {
  it('gives every reader exactly the saved replay, which is stream 5', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, async (plan) => {
        await play(plan);
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
