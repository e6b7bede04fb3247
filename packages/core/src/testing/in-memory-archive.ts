import { ArchiveError, SpoolError, StatsError } from '../errors.js';
import type { GameId } from '../game-id.js';
import type { GameStatsSink, ReplayStats } from '../ports/game-stats-sink.js';
import type { FinishedReplay, ReplayArchive, ReplaySpool, SaveOutcome } from '../ports/replay-archive.js';

/** An archive in memory, which a test can make fail for a while. */
export class InMemoryArchive implements ReplayArchive {
  readonly replays = new Map<GameId, FinishedReplay>();
  readonly attempts: GameId[] = [];
  /** While true, every save fails with an `ArchiveError` (a full or read-only disk). */
  failing = false;

  save(replay: FinishedReplay): Promise<SaveOutcome> {
    this.attempts.push(replay.gameId);
    if (this.failing) return Promise.reject(new ArchiveError(`disk full saving ${replay.gameId}`));
    const location = `memory:${replay.gameId}`;
    if (this.replays.has(replay.gameId)) return Promise.resolve({ kind: 'already-saved', location });
    this.replays.set(replay.gameId, replay);
    return Promise.resolve({ kind: 'saved', location });
  }

  contains(gameId: GameId): Promise<boolean> {
    return Promise.resolve(this.replays.has(gameId));
  }
}

/** A stats sink in memory: every record in order, with the same never-downgrade rule. */
export class InMemoryStatsSink implements GameStatsSink {
  readonly records: { gameId: GameId; stats: ReplayStats }[] = [];
  failing = false;

  record(gameId: GameId, stats: ReplayStats): Promise<void> {
    if (this.failing) return Promise.reject(new StatsError(`database down recording ${gameId}`));
    this.records.push({ gameId, stats });
    return Promise.resolve();
  }

  latest(gameId: GameId): ReplayStats | undefined {
    return this.records.findLast((r) => r.gameId === gameId)?.stats;
  }
}

/** A spool in memory. */
export class InMemorySpool implements ReplaySpool {
  readonly kept = new Map<GameId, FinishedReplay>();
  failing = false;

  keep(replay: FinishedReplay): Promise<void> {
    if (this.failing) return Promise.reject(new SpoolError(`spool unwritable for ${replay.gameId}`));
    this.kept.set(replay.gameId, replay);
    return Promise.resolve();
  }

  list(): Promise<readonly FinishedReplay[]> {
    return Promise.resolve([...this.kept.values()]);
  }

  release(gameId: GameId): Promise<void> {
    this.kept.delete(gameId);
    return Promise.resolve();
  }
}
