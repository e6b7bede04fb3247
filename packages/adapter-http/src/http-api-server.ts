import type { Logger } from '@faf-replay/core';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { EventFeed } from './event-feed.js';
import { GameBoard } from './game-board.js';
import { registerGameRoutes } from './game-routes.js';
import { resolveHttpApiOptions } from './http-api-options.js';
import type { HttpApiServerOptions, ResolvedHttpApiOptions } from './http-api-options.js';
import { HttpTokens, requestToken, tokenScopes } from './http-tokens.js';
import { OpenResponses } from './open-responses.js';
import { registerPageRoutes } from './page-routes.js';
import { registerReplayRoutes } from './replay-routes.js';
import type { RouteContext } from './route-context.js';
import { errorSchema, gameSchema, replaySchema, syncSchema } from './schemas.js';
import { registerStreamRoutes } from './stream-routes.js';

export interface HttpApiAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * The public HTTP port (`server.http_port`): the live-game list and its event feed, the delayed
 * stream (chunked from an offset, and as immutable segments a CDN can cache), downloads from the
 * vault, the OpenAPI document and the live-games page. `close()` ends every stream and feed at
 * once: a shutdown never waits on a watcher.
 */
export class HttpApiServer {
  readonly #options: HttpApiServerOptions;
  readonly #settings: ResolvedHttpApiOptions;
  readonly #app: FastifyInstance;
  readonly #open: OpenResponses;
  readonly #feed: EventFeed;
  readonly #closing = new AbortController();
  readonly #tokens: HttpTokens | undefined;
  readonly #ready: Promise<void>;

  constructor(options: HttpApiServerOptions) {
    this.#options = options;
    this.#settings = resolveHttpApiOptions(options);
    const settings = this.#settings;
    this.#tokens = httpTokens(options);
    this.#open = new OpenResponses({ maxPerIp: settings.maxOpenPerIp, maxTotal: settings.maxOpenResponses });
    const board = gameBoard(options, settings, this.#open);
    this.#feed = eventFeed(board, settings, options.logger);
    this.#app = fastifyApp(options.trustProxy);
    this.#ready = this.#build({
      directory: options.directory,
      board,
      open: this.#open,
      settings,
      downloads: options.downloads,
      downloadBaseUrl: options.downloadBaseUrl,
      closing: this.#closing.signal,
      logger: options.logger,
      requireToken: this.#tokenCheck(),
    });
  }

  /** The signer of this server's tokens (what an issuer with the same secret produces); undefined when open. */
  get tokens(): HttpTokens | undefined {
    return this.#tokens;
  }

  /** Streams and event feeds open now. */
  get openResponses(): number {
    return this.#open.total;
  }

  /** One round of the event feed now: notice ended games, look their replays up, send the changes. */
  refreshNow(): Promise<void> {
    return this.#feed.poll();
  }

  async listen(): Promise<HttpApiAddress> {
    await this.#ready;
    const { port } = this.#options;
    const host = this.#options.host;
    try {
      await this.#app.listen({ port, host: host ?? '::' });
    } catch (error) {
      if (host !== undefined || !isAddressFamilyError(error)) throw error;
      await this.#app.listen({ port, host: '0.0.0.0' });
    }
    this.#feed.start();
    const address = this.#app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the HTTP server has no address');
    return { host: address.address, port: address.port };
  }

  /** Ends every stream and event feed, then closes every connection. Idempotent. */
  async close(): Promise<void> {
    this.#closing.abort();
    this.#feed.close();
    await this.#ready.catch(() => undefined);
    await this.#app.close();
  }

  async #build(context: RouteContext): Promise<void> {
    const app = this.#app;
    for (const schema of [gameSchema, replaySchema, errorSchema, syncSchema]) app.addSchema(schema);
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'faf-replay-server live API',
          version: '1.0.0',
          description:
            'Live games of a Forged Alliance Forever replay server, their delayed streams, and saved replays.',
        },
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) =>
          typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`,
      },
    });
    if (this.#settings.rateLimit !== false) {
      const { max, timeWindowMs } = this.#settings.rateLimit;
      await app.register(rateLimit, { global: true, max, timeWindow: timeWindowMs });
    }
    app.get('/api/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
    registerGameRoutes(app, context, this.#feed);
    registerStreamRoutes(app, context);
    registerReplayRoutes(app, context);
    registerPageRoutes(app, this.#options.watchAddress);
    app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status >= 500) this.#options.logger?.error({ err: error, url: request.url }, 'HTTP request failed');
      return reply.send(error);
    });
    await app.ready();
  }

  #tokenCheck(): RouteContext['requireToken'] {
    const tokens = this.#tokens;
    if (tokens === undefined) return undefined;
    // A callback hook that answers and never calls `done`: fastify then skips the handler.
    return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
      const token = requestToken(request.url, request.headers.authorization);
      const verdict = tokens.verify(token, tokenScopes(request.url), this.#settings.now());
      if (verdict.ok) {
        done();
        return;
      }
      void reply
        .code(verdict.reason === 'missing' ? 401 : 403)
        .header('cache-control', 'no-store')
        .send({ error: `token_${verdict.reason.replace('-', '_')}`, message: tokenMessage(verdict.reason) });
    };
  }
}

function tokenMessage(reason: 'missing' | 'malformed' | 'expired' | 'bad-signature'): string {
  switch (reason) {
    case 'missing':
      return 'this resource needs a signed token (?verify=... or Authorization: Bearer)';
    case 'malformed':
      return 'the token is not <issued-at>-<signature>';
    case 'expired':
      return 'the token has expired (or was issued in the future)';
    case 'bad-signature':
      return 'the token was not signed for this path';
  }
}

function httpTokens(options: HttpApiServerOptions): HttpTokens | undefined {
  if (options.tokenSecret === undefined) return undefined;
  return new HttpTokens({
    secret: options.tokenSecret,
    ...(options.tokenLifetimeMs === undefined ? {} : { lifetimeMs: options.tokenLifetimeMs }),
  });
}

function gameBoard(
  options: HttpApiServerOptions,
  settings: ResolvedHttpApiOptions,
  open: OpenResponses,
): GameBoard {
  return new GameBoard({
    directory: options.directory,
    downloads: options.downloads,
    now: settings.now,
    httpViewers: (gameId) => open.viewers(gameId),
    endedRetentionMs: settings.endedRetentionMs,
    endedGamesKept: settings.endedGamesKept,
    recentReplays: settings.recentReplays,
    downloadCheckMs: Math.max(settings.pollIntervalMs, 5_000),
    linkEndedGames: options.downloads === undefined && options.downloadBaseUrl !== undefined,
  });
}

function eventFeed(
  board: GameBoard,
  settings: ResolvedHttpApiOptions,
  logger: Logger | undefined,
): EventFeed {
  return new EventFeed({
    board,
    now: settings.now,
    pollIntervalMs: settings.pollIntervalMs,
    heartbeatMs: 15_000,
    maxBufferedBytes: 1024 * 1024,
    onError: (error) => logger?.warn({ err: error }, 'Looking replays up in the vault failed'),
  });
}

function fastifyApp(trustProxy: HttpApiServerOptions['trustProxy']): FastifyInstance {
  return Fastify({
    logger: false,
    forceCloseConnections: true,
    exposeHeadRoutes: false,
    ...(trustProxy === undefined ? {} : { trustProxy: toTrustProxy(trustProxy) }),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false } },
  });
}

function toTrustProxy(trust: boolean | readonly string[]): boolean | string[] {
  return typeof trust === 'boolean' ? trust : [...trust];
}

function isAddressFamilyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL';
}
