import type { GameId } from '../game-id.js';

/** `replayserver_active_connections_count{category}` of the Rust server. */
export type ConnectionCategory = 'initial' | 'reader' | 'writer';

/** `replayserver_served_connections_total{result}` of the Rust server. */
export type ConnectionResult = 'Success' | 'Bad data' | 'I/O error' | 'No replay matched';

/**
 * What the core tells the outside about its work, for metrics. Every method is cheap and must
 * not throw; the core calls some of them per chunk.
 */
export interface ServerEvents {
  /** A connection entered `to` (from `from`, or from nothing when it just opened). */
  connectionMoved(from: ConnectionCategory | null, to: ConnectionCategory | null): void;
  /**
   * A non-empty connection ended with this result. `role` is what it was attached as, or null
   * when it never was (bad header, no replay matched). Empty connections are not counted.
   */
  connectionServed(result: ConnectionResult, role: 'writer' | 'reader' | null): void;
  replayStarted(gameId: GameId): void;
  /** A game a previous process left live was taken over from the log store, to be finished. */
  replayRecovered(gameId: GameId): void;
  replayEnded(gameId: GameId): void;
  replaySaved(gameId: GameId): void;
  /** A save attempt failed; the replay is kept and retried. */
  replaySaveFailed(gameId: GameId): void;
  /** A replay that could not be archived before shutdown was kept in the spool. */
  replaySpooled(gameId: GameId): void;
  /** Neither the vault nor the spool took the replay: its bytes are kept in memory and retried. */
  replayLost(gameId: GameId): void;
  readersChanged(gameId: GameId, readers: number): void;
  bytesReceived(bytes: number): void;
  bytesSent(bytes: number): void;
}
