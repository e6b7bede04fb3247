import type { ServerAddress } from './server-address.js';

/** How a connection ended, as the client saw it. */
export type ConnectionEnding =
  /** Cleanly: the server's TCP FIN or WebSocket close 1000, or the close this side asked for. */
  | { readonly kind: 'end' }
  /** Cut by this side (abort, Ctrl-C) or before its work was done, without an error. */
  | { readonly kind: 'aborted' }
  /** An error: refused, reset, a WebSocket close code other than 1000. */
  | { readonly kind: 'failed'; readonly code: string; readonly reason: string };

export interface LinkHandlers {
  /** Bytes from the server, in order. A returned promise pauses reading until it settles. */
  readonly onData?: ((chunk: Buffer) => void | Promise<void>) | undefined;
  /** The transport took what was buffered: `write` may be called again. */
  readonly onDrain?: (() => void) | undefined;
}

export interface LinkOptions {
  /** How long connecting may take (default 10 s). */
  readonly connectTimeoutMs?: number | undefined;
  /** Aborting cuts the connection (ending `aborted`). */
  readonly signal?: AbortSignal | undefined;
  /** WebSocket only: `?offset=N`, for a server that resumes a stream from a byte offset. */
  readonly offset?: number | undefined;
}

/**
 * One client connection, TCP or WebSocket, as bytes both ways. It is usable at once: writes
 * made before it opens are sent when it does. `opened` rejects with a `ClientError`
 * (`SERVER_UNREACHABLE`) naming the address and why; `closed` always resolves, exactly once.
 */
export interface ClientLink {
  readonly address: ServerAddress;
  readonly opened: Promise<void>;
  readonly closed: Promise<ConnectionEnding>;
  /** True while the transport's buffer is full: wait for `onDrain` before writing more. */
  readonly needsDrain: boolean;
  /** Sends `chunk` (one WebSocket message); false when the buffer is now full. Ignored once closing. */
  write(chunk: Uint8Array): boolean;
  /** A clean end after what was written: TCP FIN, or a WebSocket close with `closeCode` (1000). */
  end(closeCode?: number): void;
  /** Cuts the connection at once. */
  abort(): void;
  /** Cuts the connection as a failure the server sees: TCP reset, or a WebSocket dropped without a close frame. */
  reset(): void;
}

/** `'end'`, `'aborted'`, `'error ECONNRESET'`, or `'open'` while it lasts: for counting endings. */
export function describeEnding(ending: ConnectionEnding | undefined): string {
  if (ending === undefined) return 'open';
  return ending.kind === 'failed' ? `error ${ending.code}` : ending.kind;
}
