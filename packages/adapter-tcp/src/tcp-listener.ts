import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { asError } from './as-error.js';
import { checkDurationMs, resolveConnectionOptions } from './connection-options.js';
import type { ResolvedConnectionOptions } from './connection-options.js';
import { listenOn } from './listen-on.js';
import { defaultKeepAliveInitialDelayMs } from './listener-options.js';
import type { ListenerOptions, ListeningAddress } from './listener-options.js';
import { adoptWithSharedReadBuffer } from './shared-read-buffer.js';
import type { SocketReads } from './shared-read-buffer.js';
import { SocketConnection } from './socket-connection.js';
import type { TransportConnection } from './transport-connection.js';

/** Options of `TcpListener`: see `ListenerOptions` and `ConnectionOptions` for each default. */
export type TcpListenerOptions = ListenerOptions;

/**
 * Accepts raw TCP connections (the game's `gpgnet://host:15000`) and hands each one to
 * `onConnection` as a `ByteConnection`. Tracking open connections is the caller's job; the
 * count here is for tests and metrics.
 */
export class TcpListener {
  readonly #server: Server;
  readonly #options: TcpListenerOptions;
  readonly #connectionOptions: ResolvedConnectionOptions;
  readonly #onConnection: (connection: TransportConnection) => void;
  #openConnections = 0;

  constructor(options: TcpListenerOptions, onConnection: (connection: TransportConnection) => void) {
    const keepAliveInitialDelayMs = options.keepAliveInitialDelayMs ?? defaultKeepAliveInitialDelayMs;
    checkDurationMs('keepAliveInitialDelayMs', keepAliveInitialDelayMs);
    this.#options = options;
    this.#connectionOptions = resolveConnectionOptions(options);
    this.#onConnection = onConnection;
    this.#server = createServer({
      allowHalfOpen: true,
      // Nothing is read before the socket is rebuilt to read into the shared buffer.
      pauseOnConnect: true,
      // Nagle would hold back the tail of each ~1 s batch to a reader until the previous
      // segment is acked (up to a delayed-ACK timeout), and the header a game waits for to load
      // its map. Writes are KB-sized batches, so small-segment overhead is irrelevant; writers
      // are never sent anything.
      noDelay: true,
      keepAlive: keepAliveInitialDelayMs > 0,
      keepAliveInitialDelay: keepAliveInitialDelayMs,
    });
    this.#server.on('connection', (accepted: Socket) => {
      const { socket, reads } = adoptWithSharedReadBuffer(accepted);
      if (options.connectionLimit?.admit(socket, 'tcp') === false) return;
      this.#accept(socket, reads);
    });
  }

  /** Connections accepted and not yet closed. */
  get openConnections(): number {
    return this.#openConnections;
  }

  async listen(): Promise<ListeningAddress> {
    const address = await listenOn(this.#server, this.#options.host, this.#options.port);
    this.#server.on('error', (error) => this.#options.onError?.(error, 'accept'));
    return address;
  }

  /** Stops accepting connections; open ones are left alone. Idempotent. */
  close(): Promise<void> {
    if (this.#server.listening) this.#server.close();
    return Promise.resolve();
  }

  #accept(socket: Socket, reads: SocketReads | undefined): void {
    this.#openConnections++;
    socket.once('close', () => {
      this.#openConnections--;
    });
    const connection = new SocketConnection(socket, this.#connectionOptions, reads);
    try {
      this.#onConnection(connection);
    } catch (error) {
      connection.destroy();
      this.#options.onError?.(asError(error), 'onConnection');
    }
  }
}
