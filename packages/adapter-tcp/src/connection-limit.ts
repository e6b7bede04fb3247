import type { Socket } from 'node:net';
import { formatPeer } from './format-peer.js';

export interface ConnectionLimitOptions {
  /** The most connections open at once, over every listener that shares this limit. */
  readonly maxConnections: number;
  /**
   * Told about each connection refused at the limit, with its peer (`tcp 1.2.3.4:5`), after it
   * was closed. Called once per refused connection: rate-limit any log line (`LogThrottle`).
   */
  readonly onRefused?: (peer: string) => void;
}

/**
 * One bound on the open sockets of the TCP and WebSocket listeners together (pass the same
 * object to both), so that idle connections (held for hours, as FA needs in the lobby) cannot
 * use up the process's file descriptors: past the limit, a new connection is closed at once,
 * before anything is read from it, and reported through `onRefused`. A WebSocket counts from
 * its TCP accept, handshake included.
 */
export class ConnectionLimit {
  readonly maxConnections: number;
  readonly #onRefused: ((peer: string) => void) | undefined;
  #openConnections = 0;

  constructor(options: ConnectionLimitOptions) {
    const { maxConnections } = options;
    if (!Number.isSafeInteger(maxConnections) || maxConnections < 1) {
      throw new RangeError(`maxConnections must be a positive integer, got ${maxConnections}`);
    }
    this.maxConnections = maxConnections;
    this.#onRefused = options.onRefused;
  }

  /** Sockets admitted and not yet closed. */
  get openConnections(): number {
    return this.#openConnections;
  }

  /**
   * Counts `socket` until it closes and returns true, or, at the limit, destroys it and returns
   * false. `scheme` only names the peer for `onRefused`.
   */
  admit(socket: Socket, scheme: 'tcp' | 'ws'): boolean {
    if (this.#openConnections >= this.maxConnections) {
      const peer = formatPeer(scheme, socket);
      socket.destroy();
      this.#onRefused?.(peer);
      return false;
    }
    this.#openConnections++;
    socket.once('close', () => {
      this.#openConnections--;
    });
    return true;
  }
}
