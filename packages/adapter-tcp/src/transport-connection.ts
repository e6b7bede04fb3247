import { ConnectionError } from '@faf-replay/core';
import type { ByteConnection, ByteReceiver } from '@faf-replay/core';
import { newConnectionId } from './connection-id.js';
import type { ResolvedConnectionOptions } from './connection-options.js';
import { IncomingChunks } from './incoming-chunks.js';
import type { Transport } from './transport.js';
import { DrainWaits } from './drain-waits.js';
import type { DrainOutcome } from './drain-waits.js';
import { settlesWithin } from './settles-within.js';

/**
 * The `ByteConnection` contract over any `Transport`: backpressure both ways, the slow-reader
 * drop, and the graceful end (flush, linger while draining input, half-close, bounded wait).
 * After `end()` starts, `incoming` returns and further input is drained and discarded.
 */
export class TransportConnection implements ByteConnection {
  readonly id: string = newConnectionId();
  readonly peer: string;
  readonly readFrom: number | undefined;
  readonly #transport: Transport;
  readonly #options: ResolvedConnectionOptions;
  readonly #incoming: IncomingChunks;
  readonly #closed = Promise.withResolvers<undefined>();
  /** Resolved by `end({ linger: false })`: the linger, under way or to come, is skipped. */
  readonly #lingerCut = Promise.withResolvers<undefined>();
  readonly #drainWaits = new DrainWaits();
  #isClosed = false;
  #writeRefusal: ConnectionError | undefined;
  #lastFlush: Promise<void> = Promise.resolve();
  #ending: Promise<void> | undefined;

  /** `readFrom`: where a reader asked to start, when its transport can say so (`?offset=N`). */
  constructor(transport: Transport, peer: string, options: ResolvedConnectionOptions, readFrom?: number) {
    this.peer = peer;
    this.readFrom = readFrom;
    this.#transport = transport;
    this.#options = options;
    this.#incoming = new IncomingChunks(transport);
    transport.start({
      data: (chunk) => {
        this.#incoming.push(chunk);
      },
      end: () => {
        this.#incoming.finish();
      },
      abort: (error) => {
        this.#abort(error);
      },
      drain: () => {
        this.#drainWaits.settle('drained');
      },
      closed: () => {
        this.#onClosed();
      },
    });
  }

  get incoming(): AsyncIterable<Uint8Array> {
    return this.#incoming;
  }

  receive(receiver: ByteReceiver): void {
    this.#incoming.receive(receiver);
  }

  /** Bytes written but not yet handed to the kernel; stays near the transport's high-water mark. */
  get bufferedBytes(): number {
    return this.#transport.bufferedBytes;
  }

  /** Resolves once the transport is fully closed, however that happened. */
  get closed(): Promise<undefined> {
    return this.#closed.promise;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.#writeRefusal !== undefined) throw this.#writeRefusal;
    const flushed = Promise.withResolvers<undefined>();
    this.#lastFlush = flushed.promise;
    this.#transport.send(bytes, () => {
      flushed.resolve(undefined);
    });
    const outcome = await this.#waitForDrain();
    if (outcome === 'timeout') this.#dropSlowReader();
    if (outcome !== 'drained') throw this.#refusal();
  }

  end(options?: { readonly linger?: boolean }): Promise<void> {
    if (options?.linger === false) this.#lingerCut.resolve(undefined);
    this.#ending ??= this.#endGracefully();
    return this.#ending;
  }

  destroy(): void {
    this.#abort(new ConnectionError('connection destroyed'));
    this.#transport.terminate();
  }

  async #endGracefully(): Promise<void> {
    this.#writeRefusal ??= new ConnectionError('connection is ending');
    this.#incoming.discard();
    this.#incoming.finish();
    if (this.#isClosed) return;
    const { slowReaderTimeoutMs, lingerMs, closeTimeoutMs } = this.#options;
    const flush = Promise.race([this.#lastFlush, this.closed]);
    if (!(await settlesWithin(flush, slowReaderTimeoutMs))) {
      this.#dropSlowReader();
      return this.closed;
    }
    await settlesWithin(Promise.race([this.closed, this.#lingerCut.promise]), lingerMs);
    if (this.#hasClosed()) return;
    this.#transport.close();
    if (!(await settlesWithin(this.closed, closeTimeoutMs))) this.#transport.terminate();
    return this.closed;
  }

  /** Waits until the transport can take more, it closes, or the slow-reader timeout passes. */
  #waitForDrain(): Promise<DrainOutcome> {
    const state = this.#isClosed ? 'closed' : this.#transport.sendState;
    if (state === 'ready') return Promise.resolve('drained');
    if (state === 'closed') return Promise.resolve('closed');
    return this.#drainWaits.wait(this.#options.slowReaderTimeoutMs);
  }

  #dropSlowReader(): void {
    const { bufferedBytes } = this.#transport;
    const { slowReaderTimeoutMs } = this.#options;
    this.#abort(
      new ConnectionError(
        `reader could not keep up: ${bufferedBytes} bytes still unsent after ${slowReaderTimeoutMs} ms`,
      ),
    );
    this.#transport.terminate();
  }

  /** Read through a method: the flag changes while `end()` awaits. */
  #hasClosed(): boolean {
    return this.#isClosed;
  }

  /** Why writes fail now; read through a method so no narrowing survives an `await`. */
  #refusal(): ConnectionError {
    return this.#writeRefusal ?? new ConnectionError('connection closed');
  }

  #abort(error: ConnectionError): void {
    this.#writeRefusal ??= error;
    this.#incoming.fail(error);
  }

  #onClosed(): void {
    this.#isClosed = true;
    this.#drainWaits.settle('closed');
    this.#abort(new ConnectionError('connection closed before the end of its stream'));
    this.#closed.resolve(undefined);
  }
}
