import type { FastifyInstance } from 'fastify';
import type { EventFeed } from './event-feed.js';
import { gameIdOf } from './route-context.js';
import type { GameParams, RouteContext } from './route-context.js';
import { errorRef, gameIdParam } from './schemas.js';
import { tooManyOpen } from './stream-routes.js';

/** The live-game list, one game, and the event feed of changes. */
export function registerGameRoutes(app: FastifyInstance, context: RouteContext, feed: EventFeed): void {
  registerGameListRoute(app, context);
  registerGameRoute(app, context);
  registerEventsRoute(app, context, feed);
}

function registerGameListRoute(app: FastifyInstance, context: RouteContext): void {
  app.get(
    '/api/v1/games',
    {
      schema: {
        summary: 'Live games, and the games that ended recently (with their download link)',
        response: {
          200: {
            type: 'object',
            required: ['games'],
            properties: { games: { type: 'array', items: { $ref: 'Game#' } } },
          },
        },
      },
    },
    (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { games: context.board.refresh() };
    },
  );
}

function registerGameRoute(app: FastifyInstance, context: RouteContext): void {
  app.get<{ Params: GameParams }>(
    '/api/v1/games/:id',
    {
      schema: {
        summary: 'One game',
        params: { type: 'object', properties: { id: gameIdParam }, required: ['id'] },
        response: { 200: { $ref: 'Game#' }, 404: errorRef },
      },
    },
    (request, reply) => {
      reply.header('cache-control', 'no-store');
      const gameId = gameIdOf(request.params.id);
      const game = gameId === undefined ? undefined : context.board.game(gameId);
      if (game !== undefined) return game;
      return reply
        .code(404)
        .send({ error: 'game_not_found', message: `game ${request.params.id} is not listed here` });
    },
  );
}

function registerEventsRoute(app: FastifyInstance, context: RouteContext, feed: EventFeed): void {
  app.get(
    '/api/v1/events',
    {
      schema: {
        summary: 'Server-Sent Events of the game list',
        description:
          'First `snapshot` ({games, replays}), then `game` (one game changed or appeared), `gone` ({id}: ' +
          'no longer listed) and `replays` (the saved list changed). Every data object has `server_time`.',
        produces: ['text/event-stream'],
        response: { 429: errorRef, 503: errorRef },
      },
    },
    (request, reply) => {
      const admission = context.open.admit(request.ip);
      if (!admission.admitted) return tooManyOpen(reply, admission.reason);
      reply.hijack();
      reply.raw.once('close', admission.release);
      feed.subscribe(reply.raw);
      return undefined;
    },
  );
}
