import type { GameId } from '../game-id.js';
import type { ConnectionCategory, ConnectionResult, ServerEvents } from '../ports/server-events.js';

/** Counts every event, the way the metrics would. */
export class RecordingEvents implements ServerEvents {
  readonly active: Record<ConnectionCategory, number> = { initial: 0, reader: 0, writer: 0 };
  readonly served = new Map<ConnectionResult, number>();
  /** Results of connections that were attached as a writer or reader. */
  readonly servedAttached = new Map<ConnectionResult, number>();
  readonly started: GameId[] = [];
  readonly recovered: GameId[] = [];
  readonly ended: GameId[] = [];
  readonly saved: GameId[] = [];
  readonly saveFailures: GameId[] = [];
  readonly spooled: GameId[] = [];
  readonly lost: GameId[] = [];
  readonly readers = new Map<GameId, number>();
  bytesIn = 0;
  bytesOut = 0;

  connectionMoved(from: ConnectionCategory | null, to: ConnectionCategory | null): void {
    if (from !== null) this.active[from]--;
    if (to !== null) this.active[to]++;
  }
  connectionServed(result: ConnectionResult, role: 'writer' | 'reader' | null): void {
    this.served.set(result, (this.served.get(result) ?? 0) + 1);
    if (role !== null) this.servedAttached.set(result, (this.servedAttached.get(result) ?? 0) + 1);
  }
  replayStarted(gameId: GameId): void {
    this.started.push(gameId);
  }
  replayRecovered(gameId: GameId): void {
    this.recovered.push(gameId);
  }
  replayEnded(gameId: GameId): void {
    this.ended.push(gameId);
  }
  replaySaved(gameId: GameId): void {
    this.saved.push(gameId);
  }
  replaySaveFailed(gameId: GameId): void {
    this.saveFailures.push(gameId);
  }
  replaySpooled(gameId: GameId): void {
    this.spooled.push(gameId);
  }
  replayLost(gameId: GameId): void {
    this.lost.push(gameId);
  }
  readersChanged(gameId: GameId, readers: number): void {
    this.readers.set(gameId, readers);
  }
  bytesReceived(bytes: number): void {
    this.bytesIn += bytes;
  }
  bytesSent(bytes: number): void {
    this.bytesOut += bytes;
  }

  servedCount(result: ConnectionResult): number {
    return this.served.get(result) ?? 0;
  }
}
