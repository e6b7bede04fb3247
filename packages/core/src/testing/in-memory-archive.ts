import { ArchiveError, SpoolError, StatsError } from '../errors.js';
import type { GameId } from '../game-id.js';
import type { GameStatsSink, ReplayStats } from '../ports/game-stats-sink.js';
import type { ArchiveOutcome, FinishedReplay, ReplayArchive } from '../ports/replay-archive.js';
import type { ReplaySpool, SpoolOutcome } from '../ports/replay-spool.js';

/** A replay as the in-memory archive stored it: its body read out into chunks. */
export type ArchivedReplay = Omit<FinishedReplay, 'body'> & { readonly body: readonly Uint8Array[] };

/** An archive in memory, which a test can make fail for a while. */
export class InMemoryArchive implements ReplayArchive {
  readonly replays = new Map<GameId, ArchivedReplay>();
  readonly attempts: GameId[] = [];
  /** While true, every save fails with an `ArchiveError` (a full or read-only disk). */
  failing = false;

  async save(replay: FinishedReplay): Promise<ArchiveOutcome> {
    this.attempts.push(replay.gameId);
    if (this.failing) throw new ArchiveError(`disk full saving ${replay.gameId}`);
    const location = `memory:${replay.gameId}`;
    if (this.replays.has(replay.gameId)) return { kind: 'already-archived', location };
    const body = await readBody(replay);
    if (this.replays.has(replay.gameId)) return { kind: 'already-archived', location };
    this.replays.set(replay.gameId, { ...replay, body });
    return { kind: 'archived', location };
  }

  contains(gameId: GameId): Promise<boolean> {
    return Promise.resolve(this.replays.has(gameId));
  }
}

/** Reads a body the way a real archive streams it, and checks it against its stated length. */
async function readBody(replay: FinishedReplay): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of replay.body()) {
    chunks.push(chunk.slice());
    length += chunk.length;
  }
  if (length !== replay.bodyLength) {
    throw new ArchiveError(`replay ${replay.gameId} body has ${length} bytes, not ${replay.bodyLength}`);
  }
  return chunks;
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

/** A spool in memory, with the real one's rule: a kept replay is never replaced by a shorter one. */
export class InMemorySpool implements ReplaySpool {
  readonly kept = new Map<GameId, FinishedReplay>();
  failing = false;

  keep(replay: FinishedReplay): Promise<SpoolOutcome> {
    if (this.failing) return Promise.reject(new SpoolError(`spool unwritable for ${replay.gameId}`));
    const earlier = this.kept.get(replay.gameId);
    if (earlier !== undefined && bytesOf(earlier) > bytesOf(replay)) {
      return Promise.resolve({ kind: 'longer-already-kept', keptBytes: bytesOf(earlier) });
    }
    this.kept.set(replay.gameId, replay);
    return Promise.resolve({ kind: 'kept' });
  }

  list(): Promise<readonly FinishedReplay[]> {
    return Promise.resolve([...this.kept.values()]);
  }

  release(gameId: GameId): Promise<void> {
    this.kept.delete(gameId);
    return Promise.resolve();
  }
}

function bytesOf(replay: FinishedReplay): number {
  return replay.scfaHeader.length + replay.bodyLength;
}
