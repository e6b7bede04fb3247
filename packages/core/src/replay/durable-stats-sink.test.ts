import { describe, expect, it } from 'vitest';
import type { GameId } from '../game-id.js';
import type { PendingStats, PendingStatsJournal } from '../ports/pending-stats-journal.js';
import { InMemoryStatsSink, ManualClock, RecordingLogger } from '../testing/index.js';
import { DurableStatsSink } from './durable-stats-sink.js';

class MemoryJournal implements PendingStatsJournal {
  readonly kept = new Map<GameId, PendingStats>();
  put(pending: PendingStats): Promise<void> {
    this.kept.set(pending.gameId, pending);
    return Promise.resolve();
  }
  list(): Promise<readonly PendingStats[]> {
    return Promise.resolve([...this.kept.values()]);
  }
  remove(gameId: GameId): Promise<void> {
    this.kept.delete(gameId);
    return Promise.resolve();
  }
}

function durable(target: InMemoryStatsSink, journal: MemoryJournal, clock: ManualClock): DurableStatsSink {
  return new DurableStatsSink({ target, journal, clock, logger: new RecordingLogger(), retryMs: 10_000 });
}

describe('DurableStatsSink', () => {
  it('passes records through and keeps nothing when the target accepts them', async () => {
    const target = new InMemoryStatsSink();
    const journal = new MemoryJournal();
    await durable(target, journal, new ManualClock()).record(1n, { ticks: 10, available: true });
    expect(target.records).toEqual([{ gameId: 1n, stats: { ticks: 10, available: true } }]);
    expect(journal.kept.size).toBe(0);
  });

  it('keeps a refused record and retries it until the target is back', async () => {
    // TIMELINE (retry every 10 s): the database is down from t=0 to t=25
    const target = new InMemoryStatsSink();
    target.failing = true;
    const journal = new MemoryJournal();
    const clock = new ManualClock();
    const sink = durable(target, journal, clock);
    await sink.record(2n, { ticks: 1_928, available: true });
    expect(journal.kept.get(2n)?.stats).toEqual({ ticks: 1_928, available: true });
    await clock.advance(20_000);
    expect(target.records).toEqual([]);
    target.failing = false;
    await clock.advance(10_000);
    expect(target.records).toEqual([{ gameId: 2n, stats: { ticks: 1_928, available: true } }]);
    expect(journal.kept.size).toBe(0);
    expect(sink.waiting).toBe(0);
  });

  it('sends what a previous run left in the journal, and never lowers availability', async () => {
    const target = new InMemoryStatsSink();
    const journal = new MemoryJournal();
    await journal.put({ gameId: 3n, stats: { ticks: 5, available: true } });
    const sink = durable(target, journal, new ManualClock());
    await sink.resume();
    expect(target.latest(3n)).toEqual({ ticks: 5, available: true });
    target.failing = true;
    await sink.record(4n, { ticks: 7, available: true });
    await sink.record(4n, { ticks: null, available: false });
    expect(journal.kept.get(4n)?.stats).toEqual({ ticks: 7, available: true });
    await sink.close();
    expect(journal.kept.has(4n)).toBe(true);
  });
});
