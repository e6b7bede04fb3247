import type { ConnectionRole, GameId } from '@faf-replay/core';

/** The server's default ports: raw TCP, and WebSocket (binary messages carry the same bytes). */
export const DEFAULT_TCP_PORT = 15_000;
export const DEFAULT_WEBSOCKET_PORT = 15_001;

/** FA's simulation runs 10 ticks per second of game time. */
export const TICKS_PER_SECOND = 10;

/** A WebSocket close with this code is a clean end; any other keeps the data but is an error. */
export const WEBSOCKET_NORMAL_CLOSURE = 1000;

/** The names the server logs when a client gives none (a game sends `<player>.SCFAreplay`). */
export const DEFAULT_WRITER_NAME = 'writer.SCFAreplay';
export const DEFAULT_READER_NAME = 'watcher.SCFAreplay';

/** The first bytes of a connection: `P/<gameId>/<name>\0` (a writer) or `G/<gameId>/<name>\0` (a reader). */
export function connectionHeader(role: ConnectionRole, gameId: GameId | number, name: string): Buffer {
  return Buffer.from(`${role === 'writer' ? 'P' : 'G'}/${gameId}/${name}\0`);
}
