import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ConnectionError } from '@faf-replay/core';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { asError } from './as-error.js';
import { checkDurationMs, resolveConnectionOptions } from './connection-options.js';
import type { ResolvedConnectionOptions } from './connection-options.js';
import { formatPeer } from './format-peer.js';
import { listenOn } from './listen-on.js';
import { defaultKeepAliveInitialDelayMs } from './listener-options.js';
import type { ListenerOptions, ListeningAddress } from './listener-options.js';
import { parseReaderOffset } from './reader-offset.js';
import type { TransportConnection } from './transport-connection.js';
import { WebSocketConnection } from './websocket-connection.js';

/** Options of `WebSocketListener`, on top of `ListenerOptions` and `ConnectionOptions`. */
export interface WebSocketListenerOptions extends ListenerOptions {
  /**
   * Time from TCP accept to a completed upgrade; a client still short of it is disconnected.
   * Handshakes run concurrently, so a stuck client never delays another. Default 10_000.
   */
  readonly handshakeTimeoutMs?: number;
  /**
   * Largest message a client may send; a larger one ends that connection (close 1009).
   * Default 64 MiB, the Rust server's limit (tungstenite's default).
   */
  readonly maxMessageBytes?: number;
  /**
   * Browser origins allowed to connect (`https://www.faforever.com`); a handshake whose `Origin`
   * header is not listed gets a 403. A handshake without `Origin` (the game's bridge, the Java
   * client) is always allowed: the header only stops other web pages from using a visitor's
   * browser. Compared as origins (case and default port do not matter). Default: no check.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Decides whether a handshake may go on, from its request line and headers (the HTTP port's
   * signed-token check, `http.token_secret`); a refused one gets a 403. Default: every one may.
   */
  readonly authorize?: (request: HandshakeRequest) => boolean;
}

/** What `authorize` sees of a handshake. */
export interface HandshakeRequest {
  /** The request target: path and query, e.g. `/?verify=1700000000-...`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export const defaultHandshakeTimeoutMs = 10_000;
export const defaultMaxMessageBytes = 64 * 1024 * 1024;

/**
 * Accepts WebSocket connections on any path (the Java client's bridge on port 15001) and hands
 * each one to `onConnection` as a `ByteConnection`. Plain HTTP requests get a 426. A reader may
 * resume: `?offset=N` in the URL becomes the connection's `readFrom`, and a malformed one gets a
 * 400 (the raw TCP protocol has no such field).
 */
export class WebSocketListener {
  readonly #options: WebSocketListenerOptions;
  readonly #connectionOptions: ResolvedConnectionOptions;
  readonly #handshakeTimeoutMs: number;
  readonly #allowedOrigins: ReadonlySet<string> | undefined;
  readonly #onConnection: (connection: TransportConnection) => void;
  readonly #server: Server;
  readonly #webSocketServer: WebSocketServer;
  /** Sockets accepted but not yet upgraded, with their handshake timers. */
  readonly #handshakes = new Map<Duplex, NodeJS.Timeout>();
  #openConnections = 0;

  constructor(options: WebSocketListenerOptions, onConnection: (connection: TransportConnection) => void) {
    this.#options = options;
    this.#connectionOptions = resolveConnectionOptions(options);
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? defaultHandshakeTimeoutMs;
    checkDurationMs('handshakeTimeoutMs', this.#handshakeTimeoutMs);
    const { allowedOrigins } = options;
    this.#allowedOrigins =
      allowedOrigins === undefined ? undefined : new Set(allowedOrigins.map(normalizeOrigin));
    this.#onConnection = onConnection;
    this.#server = createHttpServer(options);
    this.#webSocketServer = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: checkedMaxMessageBytes(options.maxMessageBytes ?? defaultMaxMessageBytes),
      // Like the Rust server: no subprotocol is ever selected.
      handleProtocols: () => false,
    });
    this.#server.on('connection', (socket: Socket) => {
      if (options.connectionLimit?.admit(socket, 'ws') === false) return;
      this.#startHandshake(socket);
    });
    this.#server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.#upgrade(request, socket, head);
    });
  }

  /** WebSocket connections handed out and not yet closed. */
  get openConnections(): number {
    return this.#openConnections;
  }

  async listen(): Promise<ListeningAddress> {
    const address = await listenOn(this.#server, this.#options.host, this.#options.port);
    this.#server.on('error', (error) => this.#options.onError?.(error, 'accept'));
    return address;
  }

  /** Stops accepting and drops unfinished handshakes; open connections are left alone. Idempotent. */
  close(): Promise<void> {
    if (this.#server.listening) this.#server.close();
    for (const [socket, timer] of this.#handshakes) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.#handshakes.clear();
    return Promise.resolve();
  }

  #startHandshake(socket: Socket): void {
    const timer = setTimeout(() => {
      this.#handshakes.delete(socket);
      socket.destroy();
      const message = `${formatPeer('ws', socket)}: handshake not completed within ${this.#handshakeTimeoutMs} ms`;
      this.#options.onError?.(new ConnectionError(message), 'handshake');
    }, this.#handshakeTimeoutMs);
    this.#handshakes.set(socket, timer);
    socket.once('close', () => {
      this.#endHandshake(socket);
    });
  }

  /** True when `socket` was still waiting for its upgrade, which is now over. */
  #endHandshake(socket: Duplex): boolean {
    const timer = this.#handshakes.get(socket);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.#handshakes.delete(socket);
    return true;
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.#handshakes.has(socket) || !(socket instanceof Socket)) {
      socket.destroy();
      return;
    }
    const { origin } = request.headers;
    if (origin !== undefined && this.#allowedOrigins?.has(normalizeOrigin(origin)) === false) {
      const why = `origin ${JSON.stringify(origin)} is not allowed`;
      this.#refuse(socket, {
        status: 403,
        statusText: 'Forbidden',
        body: 'This origin may not connect.',
        why,
      });
      return;
    }
    const offset = parseReaderOffset(request.url);
    if (!offset.ok) {
      const { reason } = offset;
      this.#refuse(socket, { status: 400, statusText: 'Bad Request', body: reason, why: reason });
      return;
    }
    if (this.#options.authorize?.({ url: request.url ?? '/', headers: request.headers }) === false) {
      this.#refuse(socket, {
        status: 403,
        statusText: 'Forbidden',
        body: 'A valid access token is required.',
        why: 'not authorized (no valid access token)',
      });
      return;
    }
    this.#webSocketServer.handleUpgrade(request, socket, head, (webSocket) => {
      if (this.#endHandshake(socket)) this.#accept(webSocket, socket, offset.readFrom);
      else webSocket.terminate();
    });
  }

  /** Answers the upgrade with an HTTP error, then closes; `why` goes to `onError` ('handshake'). */
  #refuse(socket: Socket, refusal: HandshakeRefusal): void {
    this.#endHandshake(socket);
    refuseHandshake(socket, refusal);
    const message = `${formatPeer('ws', socket)}: ${refusal.why}`;
    this.#options.onError?.(new ConnectionError(message), 'handshake');
  }

  #accept(webSocket: WebSocket, socket: Socket, readFrom: number | undefined): void {
    this.#openConnections++;
    socket.once('close', () => {
      this.#openConnections--;
    });
    const connection = new WebSocketConnection(webSocket, socket, this.#connectionOptions, readFrom);
    try {
      this.#onConnection(connection);
    } catch (error) {
      connection.destroy();
      this.#options.onError?.(asError(error), 'onConnection');
    }
  }
}

interface HandshakeRefusal {
  readonly status: number;
  readonly statusText: string;
  /** The response body, one line for whoever reads it. */
  readonly body: string;
  /** The reason logged. */
  readonly why: string;
}

function createHttpServer(options: ListenerOptions): Server {
  const keepAliveInitialDelayMs = options.keepAliveInitialDelayMs ?? defaultKeepAliveInitialDelayMs;
  checkDurationMs('keepAliveInitialDelayMs', keepAliveInitialDelayMs);
  return createServer(
    {
      noDelay: true,
      keepAlive: keepAliveInitialDelayMs > 0,
      keepAliveInitialDelay: keepAliveInitialDelayMs,
    },
    respondUpgradeRequired,
  );
}

function respondUpgradeRequired(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Type': 'text/plain' });
  response.end('This port speaks WebSocket only: upgrade required.\n');
}

/** The response to a refused upgrade, then a close once it was sent (as ws does). */
function refuseHandshake(socket: Socket, { status, statusText, body }: HandshakeRefusal): void {
  const text = `${body}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}

/** `https://www.faforever.com` for `HTTPS://WWW.FAForever.com:443/`; other text lowercased as is. */
function normalizeOrigin(origin: string): string {
  const text = origin.trim().toLowerCase();
  try {
    const parsed = new URL(text).origin;
    return parsed === 'null' ? text : parsed;
  } catch {
    return text;
  }
}

function checkedMaxMessageBytes(bytes: number): number {
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new RangeError(`maxMessageBytes must be a positive integer, got ${bytes}`);
  }
  return bytes;
}
