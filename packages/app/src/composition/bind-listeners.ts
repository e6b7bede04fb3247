import {
  ConnectionLimit,
  LogThrottle,
  TcpListener,
  WebSocketListener,
  openFileLimit,
} from '@faf-replay/adapter-tcp';
import type { ByteConnection, Clock, Logger } from '@faf-replay/core';
import type { HttpApiServer } from '@faf-replay/adapter-http';
import { httpApi } from './http-api.js';
import type { Config } from '../config/config-schema.js';
import { effectiveMaxConnections } from '../config/max-connections.js';
import type { NamedListener } from '../replay-server.js';
import type { Composition, Resolve } from './composition.js';
import { ms } from './milliseconds.js';
import { tokens } from './tokens.js';

/** The ports (raw TCP, WebSocket, the HTTP API) as one list; the replay ports share one connection limit. */
export function bindListeners(composition: Composition, config: Config): void {
  composition.bind(tokens.connectionLimit, (resolve) => connectionLimit(config, resolve));
  composition.bind(tokens.http, (resolve) => httpApi(config, resolve));
  composition.bind(tokens.listeners, (resolve) => {
    const http = resolve(tokens.http);
    const listeners = replayListeners(config, resolve);
    return http === undefined ? listeners : [...listeners, { name: 'http', listener: http }];
  });
}

function connectionLimit(config: Config, resolve: Resolve): ConnectionLimit {
  const logger = resolve(tokens.logger);
  const events = resolve(tokens.events);
  const maxConnections = effectiveMaxConnections(config.server.max_connections, openFileLimit());
  const refusals = new LogThrottle<string>(1_000, (peer, count) =>
    logger.warn(
      { peer, refused: count, maxConnections },
      `Refused ${count} connection(s) at server.max_connections (${maxConnections}); latest from ${peer}`,
    ),
  );
  return new ConnectionLimit({
    maxConnections,
    onRefused: (peer) => {
      events.connectionRefused('max_connections');
      refusals.record(peer);
    },
  });
}

function replayListeners(config: Config, resolve: Resolve): readonly NamedListener[] {
  const { server } = config;
  const logger = resolve(tokens.logger);
  const tracker = resolve(tokens.tracker);
  const accept = (connection: ByteConnection): void => tracker.accept(connection);
  const common = {
    host: server.host,
    lingerMs: ms(server.linger_s),
    slowReaderTimeoutMs: ms(server.slow_reader_timeout_s),
    connectionLimit: resolve(tokens.connectionLimit),
    onError: (error: Error, context: string) => listenerFault(logger, error, context),
  };
  const listeners: NamedListener[] = [];
  if (server.port !== null) {
    listeners.push({ name: 'tcp', listener: new TcpListener({ ...common, port: server.port }, accept) });
  }
  if (server.websocket_port !== null) {
    const webSocket = new WebSocketListener(
      {
        ...common,
        port: server.websocket_port,
        handshakeTimeoutMs: ms(server.websocket_handshake_timeout_s),
        ...(server.websocket_allowed_origins === null
          ? {}
          : { allowedOrigins: server.websocket_allowed_origins }),
        ...webSocketTokens(resolve(tokens.http), resolve(tokens.clock)),
      },
      accept,
    );
    listeners.push({ name: 'websocket', listener: webSocket });
  }
  return listeners;
}

/** With `http.token_secret`, the WebSocket port asks for the same signed tokens as the HTTP API. */
function webSocketTokens(
  http: HttpApiServer | undefined,
  clock: Clock,
): { authorize?: (request: { url: string; headers: { authorization?: string | undefined } }) => boolean } {
  const tokens = http?.tokens;
  if (tokens === undefined) return {};
  return { authorize: ({ url, headers }) => tokens.authorizes(url, headers.authorization, clock.now()) };
}

function listenerFault(logger: Logger, error: Error, context: string): void {
  if (context === 'handshake') logger.info({ err: error }, `WebSocket handshake failed: ${error.message}`);
  else logger.error({ err: error, context }, `Listener fault (${context}): ${error.message}`);
}
