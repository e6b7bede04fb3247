import { describe, expect, it } from 'vitest';
import { MemoryReplayLogStore } from '../log/memory-replay-log.js';
import type { GameId } from '../game-id.js';
import type { JournalEntry, RecoveredLog, ReplayLog, ReplayLogStore } from '../ports/replay-log.js';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { CoreHarness, settle } from '../testing/index.js';
import { POOL_TRIM_INTERVAL_MS } from './replay-service.js';

const example = fixture(fixtureFacts.example.file);

describe('the replay service', () => {
  it('starts, and logs why, when the live games of a previous process cannot be listed', async () => {
    const memory = new MemoryReplayLogStore();
    const broken: ReplayLogStore = {
      open: (gameId) => memory.open(gameId),
      recover: (): AsyncIterable<RecoveredLog> => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('ENOTDIR: not a directory')) }),
      }),
    };
    const h = new CoreHarness({ logStore: broken });
    expect(await h.service.start()).toEqual({ recoveredGames: 0 });
    expect(h.logger.find('Could not recover the live games')[0]?.level).toBe('error');
    await h.service.shutdown();
  });

  it('lets the block pool give back, a minute later, the blocks a burst of games took', async () => {
    // TIMELINE (delay 1 s, grace 1 s): 10 games of the example at once end and save; their
    // blocks are free in the pool; the minute after, no take needed them, so the pool lets go.
    const h = new CoreHarness({ settings: { delayMs: 1_000, graceMs: 1_000 } });
    await h.service.start();
    for (let game = 1n; game <= 10n; game++) {
      const writer = h.connect(`P/${game}/a\0`);
      writer.client.send(example);
      writer.client.close();
    }
    await settle();
    await h.clock.advance(5_000);
    await h.allServed();
    expect(h.archive.replays.size).toBe(10);
    expect(h.blockPool.freeBytes).toBeGreaterThan(0);
    await h.clock.advance(POOL_TRIM_INTERVAL_MS);
    await h.clock.advance(POOL_TRIM_INTERVAL_MS);
    expect(h.blockPool.freeBytes).toBe(0);
    await h.service.shutdown();
  });
});

/**
 * A log store shared with peers: each `recover()` yields the games orphaned since the last one
 * (`orphan()` adds them), or fails once when `failNext` is set. Counts its passes.
 */
class SharedLogStore implements ReplayLogStore {
  readonly #memory = new MemoryReplayLogStore();
  /** Games no live process owns yet. */
  readonly orphans: GameId[] = [];
  passes = 0;
  failNext = false;
  /** Set to hold the next pass after it yielded its first game, until `release()`. */
  #hold: { readonly reached: () => void; readonly released: Promise<void> } | undefined;

  open(gameId: GameId): ReplayLog {
    return this.#memory.open(gameId);
  }

  orphan(...gameIds: GameId[]): void {
    this.orphans.push(...gameIds);
  }

  /** The next pass stops after yielding its first game; resolves once it got there. */
  holdNextPass(): { reached: Promise<void>; release: () => void } {
    let release = (): void => undefined;
    let reached = (): void => undefined;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#hold = { reached, released };
    return { reached: reachedPromise, release };
  }

  async *recover(): AsyncIterable<RecoveredLog> {
    this.passes++;
    await Promise.resolve();
    if (this.failNext) {
      this.failNext = false;
      throw new Error('EIO: i/o error, scandir /data/live');
    }
    const hold = this.#hold;
    this.#hold = undefined;
    for (let gameId = this.orphans.shift(); gameId !== undefined; gameId = this.orphans.shift()) {
      yield { log: this.#memory.open(gameId), entries: noEntries() };
      if (hold !== undefined) {
        hold.reached();
        await hold.released;
      }
    }
  }
}

async function* noEntries(): AsyncIterable<JournalEntry> {
  // A game whose process died before it journaled anything.
}

/**
 * A service starting on a store holding the logs of `games`, whose recovery pass stops after the
 * first of them (a slow disk): resolves once it got there, with the start under way.
 */
async function startHeldAfterFirstOf(...games: bigint[]) {
  const store = new SharedLogStore();
  store.orphan(...games);
  const hold = store.holdNextPass();
  const h = new CoreHarness({ logStore: store });
  const starting = h.service.start();
  await hold.reached;
  return { h, hold, starting };
}

describe('the replay service: adopting the games of peers that died', () => {
  it('asks the store again every adoptIntervalMs, adopts what it yields, and stops at shutdown', async () => {
    // TIMELINE (adoptIntervalMs 5 s)
    // t=0   start: the store yields game 1 (a previous process's)
    // t=3   a peer dies: games 2 and 3 become orphans
    // t=5   the first pass adopts them
    // t=10  a pass finds nothing; t=15 a pass fails (logged), t=20 the next one works again
    // t=22  game 4 is orphaned; shutdown at t=23: no pass after it, game 4 stays for a peer
    const store = new SharedLogStore();
    store.orphan(1n);
    const h = new CoreHarness({ logStore: store, adoptIntervalMs: 5_000 });
    expect(await h.service.start()).toEqual({ recoveredGames: 1 });
    await h.clock.advance(3_000);
    store.orphan(2n, 3n);
    expect(h.events.recovered).toEqual([1n]);
    await h.clock.advance(2_000);
    expect(h.events.recovered).toEqual([1n, 2n, 3n]);
    expect(h.logger.find('Adopted 2 live game(s) whose process stopped')[0]?.fields).toMatchObject({
      adoptedGames: 2,
    });
    await h.clock.advance(5_000);
    store.failNext = true;
    await h.clock.advance(5_000);
    expect(h.logger.find('Could not look for live games whose process stopped')[0]?.level).toBe('warn');
    await h.clock.advance(5_000);
    expect(store.passes).toBe(5);
    await h.clock.advance(2_000);
    store.orphan(4n);
    await h.clock.advance(1_000);
    await h.service.shutdown();
    await h.clock.advance(60_000);
    expect([store.passes, h.events.recovered]).toEqual([5, [1n, 2n, 3n]]);
  });

  it('ends the pass under way at shutdown before the cut: what it yielded is adopted and cut, nothing more is asked', async () => {
    const store = new SharedLogStore();
    const h = new CoreHarness({ logStore: store, adoptIntervalMs: 1_000 });
    await h.service.start();
    store.orphan(7n, 8n, 9n);
    const hold = store.holdNextPass();
    await h.clock.advance(1_000);
    // Game 7 is adopted and the service asked for the next: the store is claiming game 8.
    await hold.reached;
    const shutdown = h.service.shutdown();
    hold.release();
    await shutdown;
    expect(h.events.recovered).toEqual([7n, 8n]);
    expect(h.directory.liveGames).toBe(0);
    for (const gameId of [7n, 8n])
      expect(h.logger.find(`Replay ${gameId} cut short: shutdown`)).toHaveLength(1);
    // Game 9 was never taken: it stays for a peer.
    expect(store.orphans).toEqual([9n]);
  });

  it('serves connections that arrive while start recovers once it recovered: a writer of a recovered game continues it', async () => {
    // The store yields game 1, then holds before game 2 (a slow disk). Meanwhile a writer of
    // game 2 (its player reconnecting) and one of a new game 5 connect: both wait, then game 2's
    // writer joins the recovered game 2 (one replay, not a second), and game 5 starts.
    const { h, hold, starting } = await startHeldAfterFirstOf(1n, 2n);
    h.connect('P/2/again\0');
    h.connect('P/5/newcomer\0');
    await settle();
    expect([h.events.recovered, h.directory.get(2n), h.directory.get(5n)]).toEqual([
      [1n],
      undefined,
      undefined,
    ]);
    hold.release();
    expect(await starting).toEqual({ recoveredGames: 2 });
    await settle();
    expect(h.events.recovered).toEqual([1n, 2n]);
    expect([h.directory.get(2n)?.writers, h.directory.get(5n)?.writers]).toEqual([1, 1]);
    await h.service.shutdown();
  });

  it('closes the connections waiting for a start that a shutdown ended first', async () => {
    const { h, hold, starting } = await startHeldAfterFirstOf(1n, 2n);
    const waiting = h.connect('P/5/newcomer\0');
    const shutdown = h.service.shutdown();
    await h.allServed();
    expect(waiting.state).toBe('destroyed');
    // The pass under way ends after the game it was claiming, and the cut takes that one too.
    hold.release();
    await Promise.all([starting, shutdown]);
    expect(h.events.recovered).toEqual([1n, 2n]);
    expect(h.directory.liveGames).toBe(0);
    expect(h.directory.get(5n)).toBeUndefined();
  });

  it('looks only at start when no interval is set', async () => {
    const store = new SharedLogStore();
    const h = new CoreHarness({ logStore: store });
    await h.service.start();
    store.orphan(9n);
    await h.clock.advance(3_600_000);
    expect([store.passes, h.events.recovered]).toEqual([1, []]);
    await h.service.shutdown();
  });

  it('refuses an interval that is not a positive number', () => {
    for (const adoptIntervalMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new CoreHarness({ adoptIntervalMs })).toThrow(RangeError);
    }
  });
});
