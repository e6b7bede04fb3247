import { describe, expect, it } from 'vitest';
import type { GameId } from '../game-id.js';
import type { PendingStats, PendingStatsJournal } from '../ports/pending-stats-journal.js';
import { StatsError } from '../errors.js';
import { InMemoryStatsSink, ManualClock, RecordingLogger } from '../testing/index.js';
import { DurableStatsSink } from './durable-stats-sink.js';

class MemoryJournal implements PendingStatsJournal {
  readonly kept = new Map<GameId, PendingStats>();
  /** While true, puts fail as on a full disk. */
  failing = false;
  put(pending: PendingStats): Promise<void> {
    if (this.failing) return Promise.reject(new StatsError('ENOSPC: no space left on device'));
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

function durable(
  target: InMemoryStatsSink,
  journal: MemoryJournal,
  clock: ManualClock,
  logger = new RecordingLogger(),
  onTargetError?: (error: unknown) => void,
): DurableStatsSink {
  return new DurableStatsSink({
    target,
    journal,
    clock,
    logger,
    retryMs: 10_000,
    ...(onTargetError === undefined ? {} : { onTargetError }),
  });
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
    expect(sink.pendingUpdates).toBe(0);
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

  it('sends a record to the target at once when the journal cannot be written', async () => {
    const target = new InMemoryStatsSink();
    const journal = new MemoryJournal();
    journal.failing = true;
    const logger = new RecordingLogger();
    const sink = durable(target, journal, new ManualClock(), logger);
    await sink.record(5n, { ticks: 1_928, available: true });
    expect(target.latest(5n)).toEqual({ ticks: 1_928, available: true });
    expect(sink.pendingUpdates).toBe(0);
    expect(logger.find('Could not keep the stats of game 5 on disk')).toHaveLength(1);
    expect(logger.find('Recorded the stats of game 5')).toHaveLength(1);
  });

  it('keeps retrying in memory, journal included, when neither the journal nor the target works', async () => {
    // TIMELINE (retry every 10 s): disk full and database down from t=0; disk back at t=15, database at t=35
    const target = new InMemoryStatsSink();
    target.failing = true;
    const journal = new MemoryJournal();
    journal.failing = true;
    const clock = new ManualClock();
    const sink = durable(target, journal, clock);
    await sink.record(6n, { ticks: 10, available: true });
    expect(sink.pendingUpdates).toBe(1);
    await clock.advance(15_000);
    journal.failing = false;
    await clock.advance(10_000);
    expect(journal.kept.get(6n)?.stats).toEqual({ ticks: 10, available: true });
    target.failing = false;
    await clock.advance(10_000);
    expect(target.latest(6n)).toEqual({ ticks: 10, available: true });
    expect({ pending: sink.pendingUpdates, journaled: journal.kept.size }).toEqual({
      pending: 0,
      journaled: 0,
    });
  });

  it('logs a failing update once, then its outcome once, and counts every target error', async () => {
    // TIMELINE (retry every 10 s): the database is down from t=0 to t=55
    const target = new InMemoryStatsSink();
    target.failing = true;
    const clock = new ManualClock();
    const logger = new RecordingLogger();
    const errors: unknown[] = [];
    const sink = durable(target, new MemoryJournal(), clock, logger, (error) => errors.push(error));
    await sink.record(7n, { ticks: 3, available: true });
    await clock.advance(55_000);
    target.failing = false;
    await clock.advance(10_000);
    expect(target.latest(7n)).toEqual({ ticks: 3, available: true });
    expect(sink.targetErrors).toBe(6);
    expect(errors).toHaveLength(6);
    expect(errors.every((error) => error instanceof StatsError)).toBe(true);
    expect(logger.lines.map((line) => `${line.level} ${line.message}`)).toEqual([
      'warn Failed to save ticks of game 7; kept on disk and retrying',
      'info Recorded the stats of game 7 after 6 failed attempts',
    ]);
  });

  it('reports at close the updates that only memory held', async () => {
    const target = new InMemoryStatsSink();
    target.failing = true;
    const journal = new MemoryJournal();
    journal.failing = true;
    const logger = new RecordingLogger();
    const sink = durable(target, journal, new ManualClock(), logger);
    await sink.record(8n, { ticks: 1, available: true });
    await sink.close();
    expect(logger.find('neither recorded nor kept on disk')[0]?.fields).toMatchObject({ games: ['8'] });
  });

  it('starts even when the journal cannot be listed', async () => {
    const journal = new MemoryJournal();
    journal.list = () => Promise.reject(new StatsError('EIO'));
    const logger = new RecordingLogger();
    await durable(new InMemoryStatsSink(), journal, new ManualClock(), logger).resume();
    expect(logger.find('Could not read the pending stats journal')).toHaveLength(1);
  });
});
