import type { ConnectionLimit } from './connection-limit.js';
import type { ConnectionOptions } from './connection-options.js';

/** Options shared by the TCP and WebSocket listeners; durations in milliseconds. */
export interface ListenerOptions extends ConnectionOptions {
  /**
   * Address to bind. Default: none, which Node binds as `::` dual-stack (IPv4 and IPv6), or
   * `0.0.0.0` on a machine without IPv6. An explicit `::` fails where IPv6 is missing.
   */
  readonly host?: string;
  /** Port to bind; 0 picks a free one, which `listen()` reports. Required. */
  readonly port: number;
  /**
   * Idle time before TCP keep-alive probes start, so that a peer that vanished without a FIN
   * (writer's machine lost power) ends with an error instead of staying open until the
   * replay's forced timeout. 0 disables keep-alive. Default 60_000.
   */
  readonly keepAliveInitialDelayMs?: number;
  /**
   * Listener-level faults that concern no accepted connection: accept errors (EMFILE),
   * handshake timeouts and failures, an `onConnection` callback that threw. Default: ignored.
   * `context` names where it happened: `'accept'`, `'handshake'`, `'onConnection'`.
   */
  readonly onError?: (error: Error, context: string) => void;
  /**
   * Bounds the open connections; share one object between the TCP and WebSocket listeners.
   * Default: no bound.
   */
  readonly connectionLimit?: ConnectionLimit;
}

export const defaultKeepAliveInitialDelayMs = 60_000;

/** Where a listener actually listens (the real port when 0 was asked for). */
export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
}
