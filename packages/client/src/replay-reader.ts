import type { GameId } from '@faf-replay/core';
import type { ClientLink, ConnectionEnding, LinkOptions } from './client-link.js';
import { openLink } from './open-link.js';
import { connectionHeader, DEFAULT_READER_NAME } from './protocol.js';
import { ReceivedStream } from './received-stream.js';
import type { ReceivedProgress, ReceivedStreamSummary } from './received-stream.js';
import type { ServerAddress } from './server-address.js';

export interface ReplayReaderOptions extends LinkOptions {
  readonly gameId: GameId | number;
  /** The name in the connection header; the server only logs it. */
  readonly name?: string | undefined;
  /** Every chunk the server sends, in order; a returned promise holds back the next one. */
  readonly onChunk?: ((chunk: Buffer) => void | Promise<void>) | undefined;
  /** The header, ticks and game time so far, after each chunk (this costs a walk of the frames). */
  readonly onProgress?: ((progress: ReceivedProgress) => void) | undefined;
  /** Follow the header and ticks without `onProgress`, for `summary()`. */
  readonly track?: boolean | undefined;
}

/**
 * A watcher of a game: sends `G/<gameId>/<name>\0`, then hands what the server sends to
 * `onChunk` until the server closes. It never half-closes its side: the server would take that
 * for the reader leaving.
 */
export class ReplayReader {
  readonly closed: Promise<ConnectionEnding>;
  readonly #link: ClientLink;
  readonly #options: ReplayReaderOptions;
  readonly #received: ReceivedStream | null;
  #bytes = 0;
  #ending: ConnectionEnding | undefined;

  private constructor(address: ServerAddress, options: ReplayReaderOptions) {
    this.#options = options;
    const tracked = options.track === true || options.onProgress !== undefined;
    this.#received = tracked ? new ReceivedStream() : null;
    this.#link = openLink(address, { onData: (chunk) => this.#take(chunk) }, options);
    this.#link.write(connectionHeader('reader', options.gameId, options.name ?? DEFAULT_READER_NAME));
    this.closed = this.#link.closed.then((ending) => (this.#ending = ending));
  }

  /** A reader connecting now; failing to connect shows in `closed` (and `opened`). */
  static open(address: ServerAddress, options: ReplayReaderOptions): ReplayReader {
    return new ReplayReader(address, options);
  }

  /** A reader once connected; a `ClientError` (`SERVER_UNREACHABLE`) when it cannot connect. */
  static async connect(address: ServerAddress, options: ReplayReaderOptions): Promise<ReplayReader> {
    const reader = new ReplayReader(address, options);
    await reader.opened;
    return reader;
  }

  get opened(): Promise<void> {
    return this.#link.opened;
  }

  get receivedBytes(): number {
    return this.#bytes;
  }

  /** Undefined while the connection is open. */
  get ending(): ConnectionEnding | undefined {
    return this.#ending;
  }

  /** What the stream held: header, body status and ticks; null unless tracked. Call it once closed. */
  summary(): ReceivedStreamSummary | null {
    return this.#received?.finish() ?? null;
  }

  abort(): void {
    this.#link.abort();
  }

  #take(chunk: Buffer): void | Promise<void> {
    this.#bytes += chunk.length;
    if (this.#received !== null) {
      this.#received.push(chunk);
      this.#options.onProgress?.(this.#received);
    }
    return this.#options.onChunk?.(chunk);
  }
}
