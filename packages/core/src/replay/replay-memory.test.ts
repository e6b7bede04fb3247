import { setImmediate as macrotask } from 'node:timers/promises';
import { divergingStreams, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { describe, expect, it } from 'vitest';
import { CoreHarness, settle } from '../testing/index.js';

const example = fixture(fixtureFacts.example.file);
const seconds = (s: number): number => s * 1_000;

/** Everything of a game that must not outlive it, held weakly: the replay, its stream, a buffer of its stream. */
async function weakParts(h: CoreHarness, gameId: bigint): Promise<WeakRef<object>[]> {
  const replay = h.directory.replay(gameId);
  const stream = h.directory.stream(gameId);
  if (replay === undefined || stream === undefined) throw new Error(`game ${gameId} is not live`);
  const stop = new AbortController();
  let block: ArrayBufferLike | undefined;
  for await (const view of stream.read(0, stop.signal)) {
    block = view.buffer;
    stop.abort();
  }
  if (block === undefined) throw new Error(`game ${gameId} has committed nothing`);
  return [new WeakRef(replay), new WeakRef(stream), new WeakRef(block)];
}

/** Two writers (the example game, and a diverging one) and a reader; the writers leave at the end. */
async function playGame(h: CoreHarness, game: bigint): Promise<WeakRef<object>[]> {
  const second = divergingStreams()[5] ?? example;
  const writers = [h.connect(`P/${game}/a\0`), h.connect(`P/${game}/b\0`)];
  writers[0]?.client.send(example);
  writers[1]?.client.send(second);
  h.connect(`G/${game}/watcher\0`);
  await settle();
  await h.clock.advance(seconds(2));
  const parts = await weakParts(h, game);
  for (const writer of writers) writer.client.close();
  return parts;
}

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('this test needs node --expose-gc (set in core/vitest.config.ts)');
  // WeakRefs made in a job stay alive until it ends: let a few macrotasks pass between collections.
  for (let round = 0; round < 4; round++) {
    await macrotask();
    gc();
  }
}

describe('Replay memory', () => {
  it('keeps nothing of an ended game: no Replay, stream, merge or buffer survives a GC', async () => {
    // TIMELINE (delay 1 s, grace 1 s): 20 games of two writers and a reader each, at once; they
    // end, save, and leave the directory; then nothing of them may be reachable
    const h = new CoreHarness({ settings: { delayMs: seconds(1), graceMs: seconds(1) } });
    let refs: WeakRef<object>[] = [];
    for (let game = 1n; game <= 20n; game++) refs = [...refs, ...(await playGame(h, game))];
    // And a short one: its last block is small enough that the trunk would keep it when idle.
    const short = h.connect(`P/21/a\0`);
    short.client.send(example.subarray(0, fixtureFacts.example.headerBytes + 500));
    await settle();
    short.client.close();
    await h.clock.advance(seconds(5));
    await h.allServed();
    expect(h.directory.liveGames).toBe(0);
    expect(h.archive.replays.size).toBe(21);
    await collectGarbage();
    const alive = refs.flatMap((ref, index) => (ref.deref() === undefined ? [] : [index]));
    expect({ alive, of: refs.length }).toEqual({ alive: [], of: refs.length });
    // Every block the merges took came back to the pool (the memory log copies what it keeps).
    const { taken, returned } = h.blockPool.counts;
    expect(taken).toBeGreaterThan(20);
    expect(returned).toBe(taken);
  });
});
