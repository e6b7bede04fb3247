import type { GameDirectory, GameId, Logger, LiveGameSnapshot, LiveStream } from '@faf-replay/core';
import { MAX_GAME_ID } from '@faf-replay/core';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { GameBoard } from './game-board.js';
import type { ResolvedHttpApiOptions } from './http-api-options.js';
import type { OpenResponses } from './open-responses.js';
import type { ReplayDownloads } from './replay-downloads.js';

/** What every route module gets from the server. */
export interface RouteContext {
  readonly directory: GameDirectory;
  readonly board: GameBoard;
  readonly open: OpenResponses;
  readonly settings: ResolvedHttpApiOptions;
  readonly downloads: ReplayDownloads | undefined;
  readonly downloadBaseUrl: string | undefined;
  /** Aborted when the server closes: every stream and feed ends at once. */
  readonly closing: AbortSignal;
  readonly logger: Logger | undefined;
  /** The token check of protected routes; undefined when everything is open. */
  readonly requireToken:
    ((request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void) | undefined;
}

export interface GameParams {
  readonly id: string;
}

/** The game id of a route's `{id}`, or undefined past the u64 range. */
export function gameIdOf(text: string): GameId | undefined {
  const gameId = BigInt(text);
  return gameId > MAX_GAME_ID ? undefined : gameId;
}

/** A live game's snapshot and stream, or the answer for a game that is not live (404, or 410 once ended). */
export function liveGame(
  context: RouteContext,
  text: string,
  reply: FastifyReply,
): { snapshot: LiveGameSnapshot; stream: LiveStream } | FastifyReply {
  const gameId = gameIdOf(text);
  const snapshot = gameId === undefined ? undefined : context.directory.get(gameId);
  const stream = gameId === undefined ? undefined : context.directory.stream(gameId);
  if (gameId !== undefined && snapshot !== undefined && stream !== undefined) return { snapshot, stream };
  const ended = gameId === undefined ? undefined : context.board.endedGame(gameId);
  reply.header('cache-control', 'no-store');
  if (ended !== undefined) {
    return reply.code(410).send({
      error: 'game_ended',
      message: `game ${text} has ended; its replay is in the vault`,
      download_url: ended.download_url,
    });
  }
  return reply.code(404).send({ error: 'game_not_found', message: `game ${text} is not live here` });
}

/**
 * When a game's stream has nothing servable yet: a 503 saying when it will, with `Retry-After`.
 * Undefined once it has bytes (or ended without any).
 */
export function tooEarly(
  context: RouteContext,
  snapshot: LiveGameSnapshot,
  stream: LiveStream,
  reply: FastifyReply,
): FastifyReply | undefined {
  if (stream.length > 0 || stream.finished) return undefined;
  const nowMs = context.settings.now();
  const watchableFromMs = Math.max(nowMs, snapshot.watchableFromMs ?? nowMs + snapshot.delayMs);
  const retryAfterS = Math.max(1, Math.ceil((watchableFromMs - nowMs) / 1000));
  return reply
    .code(503)
    .header('retry-after', String(retryAfterS))
    .header('cache-control', 'no-store')
    .send({
      error: 'not_watchable_yet',
      message: `game ${snapshot.gameId} becomes watchable at ${new Date(watchableFromMs).toISOString()}`,
      watchable_from: new Date(watchableFromMs).toISOString(),
      retry_after_s: retryAfterS,
    });
}
