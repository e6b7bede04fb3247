import type { GameId } from '../game-id.js';
import type { ConnectionHeader } from '../protocol/index.js';
import type { ByteConnection } from './byte-connection.js';
import type { LiveStream } from './live-stream.js';

/**
 * A connection whose connection header was read: one value from the handler on. Its input
 * (`receive`) starts with the bytes that followed the header.
 */
export interface AcceptedConnection {
  readonly header: ConnectionHeader;
  readonly connection: ByteConnection;
}

/** What attaching a connection to a game came to. */
export type Attachment =
  /** Served here; `done` resolves when the connection is finished. */
  | { readonly kind: 'attached'; readonly done: Promise<void> }
  /** Refused, with the reason to log. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The game lives on another node (cluster mode): where to find it. */
  | { readonly kind: 'elsewhere'; readonly location: string };

export type GamePhase = 'writing' | 'finishing' | 'saving' | 'draining' | 'ended';

/** A live game at one moment, for lists and APIs. */
export interface LiveGameSnapshot {
  readonly gameId: GameId;
  readonly phase: GamePhase;
  /** When its first writer arrived (clock ms). */
  readonly startedAtMs: number;
  /** When its first byte becomes servable (first header + delay); undefined before any header. */
  readonly watchableFromMs: number | undefined;
  readonly delayMs: number;
  readonly writers: number;
  readonly readers: number;
  /** Servable bytes (header included). */
  readonly bytes: number;
  /** Bytes received so far: the longest writer's header and body. */
  readonly receivedBytes: number;
  /** Advance ticks in the servable body, and the game time they make (10 ticks a second). */
  readonly ticks: number;
  readonly gameTimeMs: number;
  /** The decided SCFA header, once servable (decode it for the map and players). */
  readonly scfaHeader: Uint8Array | undefined;
}

/**
 * The games this node serves: the only place that decides where a game id lives. Connection
 * handling, the ops endpoints and the HTTP API depend on this port, not on the registry class.
 */
export interface GameDirectory {
  attachWriter(accepted: AcceptedConnection): Promise<Attachment>;
  attachReader(accepted: AcceptedConnection): Promise<Attachment>;
  /** The live games (ended ones are gone as soon as they are saved and their readers left). */
  list(): readonly LiveGameSnapshot[];
  get(gameId: GameId): LiveGameSnapshot | undefined;
  /** The read side of a live game. */
  stream(gameId: GameId): LiveStream | undefined;
  readonly liveGames: number;
  /**
   * Drain: new games are refused from now on; live ones go on with their late writers and
   * readers until they end. Idempotent.
   */
  stopAccepting(): void;
  /** Cuts every live game short (each saves what it has); resolves once all have ended. */
  cutAll(): Promise<void>;
  /** Resolves once no game is live (after `stopAccepting`, the drain is complete). */
  idle(): Promise<void>;
}
