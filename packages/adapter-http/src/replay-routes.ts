import { basename, dirname } from 'node:path';
import send from '@fastify/send';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SavedReplay } from './replay-downloads.js';
import { gameIdOf } from './route-context.js';
import type { GameParams, RouteContext } from './route-context.js';
import { errorRef, gameIdParam } from './schemas.js';

/** Downloads of saved replays from the vault, and the recent list. */
export function registerReplayRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get(
    '/api/v1/replays',
    {
      schema: {
        summary: 'Recently saved replays, newest first',
        response: {
          200: {
            type: 'object',
            required: ['replays'],
            properties: { replays: { type: 'array', items: { $ref: 'Replay#' } } },
          },
        },
      },
    },
    (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { replays: context.board.replays() };
    },
  );
  app.route<{ Params: GameParams }>({
    method: ['GET', 'HEAD'],
    url: '/api/v1/replays/:id',
    preHandler: context.requireToken === undefined ? [] : [context.requireToken],
    schema: {
      summary: 'Download a saved replay (.fafreplay)',
      description:
        'Supports Range, ETag and conditional requests; a 302 where the vault is served elsewhere.',
      params: { type: 'object', properties: { id: gameIdParam }, required: ['id'] },
      response: { 404: errorRef },
    },
    handler: (request, reply) => download(context, request, reply),
  });
}

async function download(
  context: RouteContext,
  request: FastifyRequest<{ Params: GameParams }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const text = request.params.id;
  const gameId = gameIdOf(text);
  if (context.downloadBaseUrl !== undefined && gameId !== undefined) {
    return reply.redirect(externalUrl(context.downloadBaseUrl, text), 302);
  }
  const saved = gameId === undefined ? undefined : await context.downloads?.find(gameId);
  if (saved === undefined) {
    const live = gameId !== undefined && context.directory.get(gameId) !== undefined;
    return replayNotFound(
      reply,
      live ? `game ${text} is still live: its replay is saved when it ends` : `no saved replay ${text}`,
    );
  }
  return sendReplayFile(request, reply, saved, text);
}

/** The saved file with Range, ETag and conditional requests answered by @fastify/send. */
async function sendReplayFile(
  request: FastifyRequest,
  reply: FastifyReply,
  saved: SavedReplay,
  text: string,
): Promise<FastifyReply> {
  const result = await send(request.raw, `/${basename(saved.path)}`, {
    root: dirname(saved.path),
    acceptRanges: true,
    etag: true,
    lastModified: true,
    cacheControl: false,
    dotfiles: 'deny',
    index: false,
  });
  if (result.type !== 'file') return replayNotFound(reply, `no saved replay ${text}`);
  return reply
    .code(result.statusCode)
    .headers(result.headers)
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', `attachment; filename="${saved.gameId}.fafreplay"`)
    .header('cache-control', 'public, max-age=86400')
    .send(result.stream);
}

function replayNotFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).header('cache-control', 'no-store').send({ error: 'replay_not_found', message });
}

function externalUrl(base: string, id: string): string {
  return base.includes('{id}') ? base.replaceAll('{id}', id) : `${base.replace(/\/+$/, '')}/${id}`;
}
