import type { ServerResponse } from 'node:http';
import type { LiveStream } from '@faf-replay/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pumpStream } from './pump-stream.js';
import { liveGame, tooEarly } from './route-context.js';
import type { GameParams, RouteContext } from './route-context.js';
import { errorRef, gameIdParam } from './schemas.js';
import { matchesEtag, SegmentEtags } from './segment-etags.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

type SegmentParams = GameParams & { n: number };

/** The delayed stream over HTTP: chunked from an offset, as immutable segments, and `/sync`. */
export function registerStreamRoutes(app: FastifyInstance, context: RouteContext): void {
  const preHandler = context.requireToken === undefined ? [] : [context.requireToken];
  app.get<{ Params: GameParams; Querystring: { offset?: number } }>(
    '/api/v1/games/:id/stream',
    {
      preHandler,
      schema: {
        summary: 'The delayed stream, from a byte offset, until the game ends',
        description:
          'Exactly the bytes a TCP reader gets from `offset` on (the SCFA header, then the body), following ' +
          'the delay. Chunked; ends cleanly only once the game has ended. A cut response is resumed with ' +
          '`offset` = the bytes received.',
        params: { type: 'object', properties: { id: gameIdParam }, required: ['id'] },
        querystring: { type: 'object', properties: { offset: { type: 'integer', minimum: 0 } } },
        response: { 404: errorRef, 410: errorRef, 416: errorRef, 429: errorRef, 503: errorRef },
      },
    },
    (request, reply) => serveStream(context, request, reply),
  );
  registerSegmentRoute(app, context, preHandler);
  registerSyncRoute(app, context);
}

async function serveStream(
  context: RouteContext,
  request: FastifyRequest<{ Params: GameParams; Querystring: { offset?: number } }>,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const game = liveGame(context, request.params.id, reply);
  if (!('stream' in game)) return game;
  const { snapshot, stream } = game;
  const early = tooEarly(context, snapshot, stream, reply);
  if (early !== undefined) return early;
  const offset = request.query.offset ?? 0;
  // Ahead of what is servable, a live game's stream waits for the bytes to come (as a WebSocket
  // reader's does); only past the end of a finished stream is there nothing to wait for.
  if (stream.finished && offset > stream.length) return offsetBeyondStream(reply, offset, stream.length);
  const admission = context.open.admit(request.ip, snapshot.gameId);
  if (!admission.admitted) return tooManyOpen(reply, admission.reason);
  reply.hijack();
  const response = reply.raw;
  writeStreamHead(response, offset, stream);
  const signal = AbortSignal.any([viewerLeft(response), context.closing]);
  try {
    await pumpStream(stream.read(offset, signal), response, signal, context.settings.stallTimeoutMs);
  } catch (error) {
    context.logger?.error({ err: error, replayId: String(snapshot.gameId) }, 'HTTP stream failed');
  } finally {
    admission.release();
  }
  return undefined;
}

function offsetBeyondStream(reply: FastifyReply, offset: number, length: number): FastifyReply {
  return reply
    .code(416)
    .header('cache-control', 'no-store')
    .send({
      error: 'offset_beyond_stream',
      message: `offset ${offset} is past the end of the stream (${length} bytes)`,
      length,
    });
}

function writeStreamHead(response: ServerResponse, offset: number, stream: LiveStream): void {
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'x-stream-offset': String(offset),
    ...(stream.finished ? { 'content-length': String(stream.length - offset) } : {}),
  });
  // The viewer learns at once that its stream started, even when no byte is due yet.
  response.flushHeaders();
}

/** Aborted once the viewer's connection closes. */
function viewerLeft(response: ServerResponse): AbortSignal {
  const left = new AbortController();
  response.once('close', () => left.abort());
  return left.signal;
}

export function tooManyOpen(reply: FastifyReply, reason: 'per-ip' | 'total'): FastifyReply {
  const perIp = reason === 'per-ip';
  return reply
    .code(perIp ? 429 : 503)
    .header('retry-after', '10')
    .header('cache-control', 'no-store')
    .send({
      error: perIp ? 'too_many_streams' : 'server_full',
      message: perIp ? 'this address holds too many open streams' : 'the server holds too many open streams',
    });
}

function registerSegmentRoute(
  app: FastifyInstance,
  context: RouteContext,
  preHandler: NonNullable<RouteContext['requireToken']>[],
): void {
  const etags = new SegmentEtags();
  app.route<{ Params: SegmentParams }>({
    method: ['GET', 'HEAD'],
    url: '/api/v1/games/:id/segments/:n',
    preHandler,
    schema: {
      summary: 'One immutable segment of the delayed stream (0 is the SCFA header)',
      description: '404 until the segment is committed, which is past the delay. Cacheable forever.',
      params: {
        type: 'object',
        properties: { id: gameIdParam, n: { type: 'integer', minimum: 0 } },
        required: ['id', 'n'],
      },
      response: { 404: errorRef, 410: errorRef },
    },
    handler: (request, reply) => serveSegment(context, etags, request, reply),
  });
}

async function serveSegment(
  context: RouteContext,
  etags: SegmentEtags,
  request: FastifyRequest<{ Params: SegmentParams }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const game = liveGame(context, request.params.id, reply);
  if (!('stream' in game)) return game;
  const { n } = request.params;
  const segment = await game.stream.segment(n);
  if (segment === undefined) {
    return reply
      .code(404)
      .header('cache-control', 'no-store')
      .send({
        error: 'segment_not_servable',
        message: `segment ${n} is not servable yet (${game.stream.segmentCount} are)`,
      });
  }
  const etag = etags.of(`${request.params.id}/${n}`, segment.bytes);
  reply.header('cache-control', IMMUTABLE).header('etag', etag);
  reply.header('x-segment-offset', String(segment.offset));
  if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
  const { buffer, byteOffset, byteLength } = segment.bytes;
  return reply.type('application/octet-stream').send(Buffer.from(buffer, byteOffset, byteLength));
}

function registerSyncRoute(app: FastifyInstance, context: RouteContext): void {
  app.get<{ Params: GameParams }>(
    '/api/v1/games/:id/sync',
    {
      schema: {
        summary: 'The newest servable segment, its offset and the delay',
        description:
          'Cacheable for about one update interval; 503 with Retry-After before the game is watchable.',
        params: { type: 'object', properties: { id: gameIdParam }, required: ['id'] },
        response: { 200: { $ref: 'Sync#' }, 404: errorRef, 410: errorRef, 503: errorRef },
      },
    },
    (request, reply) => {
      const game = liveGame(context, request.params.id, reply);
      if (!('stream' in game)) return game;
      const { snapshot, stream } = game;
      const early = tooEarly(context, snapshot, stream, reply);
      if (early !== undefined) return early;
      const newest = Math.max(0, stream.segmentCount - 1);
      reply.header('cache-control', `public, max-age=${context.settings.syncMaxAgeS}`);
      return reply.send({
        id: request.params.id,
        segment: newest,
        offset: stream.segmentOffset(newest) ?? 0,
        segments: stream.segmentCount,
        bytes: stream.length,
        finished: stream.finished,
        delay_s: snapshot.delayMs / 1000,
        server_time: new Date(context.settings.now()).toISOString(),
      });
    },
  );
}
