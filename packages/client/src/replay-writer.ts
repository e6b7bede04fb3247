import type { GameId } from '@faf-replay/core';
import type { ClientLink, ConnectionEnding, LinkOptions } from './client-link.js';
import { openLink } from './open-link.js';
import { connectionHeader, DEFAULT_WRITER_NAME } from './protocol.js';
import type { PacedTarget } from './send-paced.js';
import type { ServerAddress } from './server-address.js';

export interface ReplayWriterOptions extends LinkOptions {
  readonly gameId: GameId | number;
  /** The name in the connection header; the server only logs it. */
  readonly name?: string | undefined;
  /** The whole stream this writer may send: SCFA header and body. */
  readonly stream: Uint8Array;
  /** The largest single write (one WebSocket message); default 64 KiB. */
  readonly chunkBytes?: number | undefined;
  /** WebSocket: the close code after the last byte (default 1000, a clean end). */
  readonly closeCode?: number | undefined;
  /** Each write's size, as the connection takes it. */
  readonly onBytes?: ((bytes: number) => void) | undefined;
  /** The last byte is written and the connection ended. */
  readonly onEnd?: (() => void) | undefined;
  /** How long the server gets to close the connection after the last byte (default 5 s). */
  readonly closeWaitMs?: number | undefined;
}

const DEFAULT_CHUNK_BYTES = 64 * 1024;
const DEFAULT_CLOSE_WAIT_MS = 5_000;

/**
 * A game streaming its replay: sends `P/<gameId>/<name>\0`, then its stream up to the offset
 * made due (`sendUpTo`: all at once, chunked, or paced with `sendPaced`), honouring backpressure
 * (bytes due while the connection is full go on its drain), and ends the connection after the
 * last byte. Its ending is `end` only when the whole stream went out and the close was clean.
 */
export class ReplayWriter implements PacedTarget {
  readonly closed: Promise<ConnectionEnding>;
  readonly #link: ClientLink;
  readonly #stream: Uint8Array;
  readonly #options: ReplayWriterOptions;
  readonly #chunkBytes: number;
  #sent = 0;
  #target = 0;
  #ended = false;
  #ending: ConnectionEnding | undefined;
  #flushWaiters: ((flushed: boolean) => void)[] = [];
  #closeTimer: NodeJS.Timeout | undefined;

  private constructor(address: ServerAddress, options: ReplayWriterOptions) {
    this.#stream = options.stream;
    this.#options = options;
    this.#chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.#link = openLink(address, { onDrain: () => this.#pump() }, options);
    this.#link.write(connectionHeader('writer', options.gameId, options.name ?? DEFAULT_WRITER_NAME));
    this.closed = this.#link.closed.then((ending) => this.#settle(ending));
  }

  /** A writer connecting now; failing to connect shows in `closed` (and `opened`). */
  static open(address: ServerAddress, options: ReplayWriterOptions): ReplayWriter {
    return new ReplayWriter(address, options);
  }

  /** A writer once connected; a `ClientError` (`SERVER_UNREACHABLE`) when it cannot connect. */
  static async connect(address: ServerAddress, options: ReplayWriterOptions): Promise<ReplayWriter> {
    const writer = new ReplayWriter(address, options);
    await writer.opened;
    return writer;
  }

  get opened(): Promise<void> {
    return this.#link.opened;
  }

  get sentBytes(): number {
    return this.#sent;
  }

  /** Bytes due but not yet taken by the connection (backpressure). */
  get behindBytes(): number {
    return this.#target - this.#sent;
  }

  /** Undefined while the connection is open. */
  get ending(): ConnectionEnding | undefined {
    return this.#ending;
  }

  sendUpTo(offset: number): void {
    if (offset <= this.#target) return;
    this.#target = Math.min(offset, this.#stream.length);
    this.#pump();
  }

  sendAll(): void {
    this.sendUpTo(this.#stream.length);
  }

  flushed(): Promise<boolean> {
    if (this.#sent >= this.#target) return Promise.resolve(true);
    if (this.#ending !== undefined) return Promise.resolve(false);
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  abort(): void {
    this.#link.abort();
  }

  /** Cuts the connection as a failure the server sees (TCP reset, WebSocket without a close frame). */
  reset(): void {
    this.#link.reset();
  }

  #pump(): void {
    if (this.#ending !== undefined || this.#ended || this.#link.needsDrain) return;
    while (this.#sent < this.#target) {
      const end = Math.min(this.#target, this.#sent + this.#chunkBytes);
      const accepted = this.#link.write(this.#stream.subarray(this.#sent, end));
      this.#options.onBytes?.(end - this.#sent);
      this.#sent = end;
      if (!accepted) return;
    }
    this.#wakeFlushWaiters(true);
    if (this.#sent === this.#stream.length) this.#end();
  }

  #end(): void {
    this.#ended = true;
    this.#link.end(this.#options.closeCode);
    this.#options.onEnd?.();
    // The server closes a writer after its end; one that does not is not waited for forever.
    this.#closeTimer = setTimeout(
      () => this.#link.abort(),
      this.#options.closeWaitMs ?? DEFAULT_CLOSE_WAIT_MS,
    );
  }

  #settle(linkEnding: ConnectionEnding): ConnectionEnding {
    clearTimeout(this.#closeTimer);
    const complete = this.#ended && this.#sent === this.#stream.length;
    this.#ending =
      linkEnding.kind === 'failed' ? linkEnding : complete ? { kind: 'end' } : { kind: 'aborted' };
    this.#wakeFlushWaiters(false);
    return this.#ending;
  }

  #wakeFlushWaiters(flushed: boolean): void {
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const wake of waiters) wake(flushed);
  }
}
