import type { ByteReceiver, ConnectionError } from '@faf-replay/core';

/** What `IncomingChunks` needs of a transport to apply backpressure. */
export interface PausableSource {
  pause(): void;
  resume(): void;
}

type Outcome = { readonly kind: 'end' } | { readonly kind: 'error'; readonly error: ConnectionError };

/** Chunks below this size that queue behind others are copied into a shared buffer. */
const SMALL_CHUNK_BYTES = 4096;
/** The shared buffer starts at this size and doubles up to `MAX_COALESCED_BYTES`. */
const MIN_COALESCED_BYTES = 1024;
const MAX_COALESCED_BYTES = 64 * 1024;

interface Waiter {
  resolve(result: IteratorResult<Uint8Array>): void;
  reject(error: ConnectionError): void;
}

/**
 * Turns a push source (socket events) into the pull-based `incoming` iterable. The source is
 * paused while a chunk waits for the consumer, so a connection holds about one chunk plus the
 * transport's own buffer. A pushed chunk is valid only during `push` (the TCP transport reads
 * into one shared buffer), so whatever outlives the call (a queued chunk, one handed to a
 * pending `next()`) is a copy; in push mode (`receive`) chunks go through untouched. A source
 * may still deliver what it had already read (a WebSocket parses a whole TCP read into messages
 * at once): small chunks queued behind others are copied into one growing buffer, so a hostile
 * client's one-byte messages cost a byte each, not a chunk object each. Once the consumer stops (breaks out of its loop, or `discard()` at `end()`),
 * input keeps flowing and is dropped: unread bytes left in the kernel would make the final close
 * send an RST.
 */
export class IncomingChunks implements AsyncIterable<Uint8Array> {
  readonly #source: PausableSource;
  /** Queued chunks, oldest first; the coalescing buffer `#tail` follows them. */
  readonly #chunks: Uint8Array[] = [];
  #tail: Uint8Array | null = null;
  #tailLength = 0;
  #outcome: Outcome | undefined;
  #waiter: Waiter | undefined;
  #discarding = false;
  #iterated = false;
  #receiver: ByteReceiver | undefined;

  constructor(source: PausableSource) {
    this.#source = source;
  }

  /** Bytes in chunks that arrived but were not yet taken by the consumer. */
  get queuedBytes(): number {
    return this.#chunks.reduce((sum, chunk) => sum + chunk.length, this.#tailLength);
  }

  /** Chunk objects queued for the consumer (the coalescing buffer counts as one). */
  get queuedChunks(): number {
    return this.#chunks.length + (this.#tail === null ? 0 : 1);
  }

  push(chunk: Uint8Array): void {
    if (this.#discarding || this.#outcome !== undefined || chunk.length === 0) return;
    if (this.#receiver !== undefined) {
      this.#receiver.data(chunk);
      return;
    }
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve({ done: false, value: copyOf(chunk) });
      return;
    }
    this.#enqueue(chunk);
    this.#source.pause();
  }

  /** A clean end of stream; yielded after the queued chunks. Later outcomes are ignored. */
  finish(): void {
    this.#settle({ kind: 'end' });
  }

  /** An abnormal end; thrown after the queued chunks. Ignored when an outcome is already set. */
  fail(error: ConnectionError): void {
    this.#settle({ kind: 'error', error });
  }

  /** Drops queued chunks and all further input, and keeps the source flowing. */
  discard(): void {
    this.#discarding = true;
    this.#chunks.length = 0;
    this.#tail = null;
    this.#tailLength = 0;
    this.#source.resume();
  }

  /**
   * Push mode (`ByteConnection.receive`): the queued chunks, then every further one, go to
   * `receiver` synchronously; the source is never paused again.
   */
  receive(receiver: ByteReceiver): void {
    if (this.#receiver !== undefined) throw new Error('receive can be called only once');
    if (this.#waiter !== undefined) throw new Error('receive while a next() is pending');
    this.#receiver = receiver;
    for (let chunk = this.#dequeue(); chunk !== undefined; chunk = this.#dequeue()) receiver.data(chunk);
    this.#source.resume();
    if (this.#outcome !== undefined) this.#deliverOutcome(receiver, this.#outcome);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#iterated) throw new Error('incoming can be iterated only once');
    this.#iterated = true;
    return {
      next: () => this.#next(),
      return: () => {
        this.discard();
        this.finish();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  #next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.#dequeue();
    if (chunk !== undefined) {
      if (this.queuedChunks === 0 && this.#outcome === undefined) this.#source.resume();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.#outcome?.kind === 'end') return Promise.resolve({ done: true, value: undefined });
    if (this.#outcome?.kind === 'error') return Promise.reject(this.#outcome.error);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#source.resume();
    });
  }

  #enqueue(chunk: Uint8Array): void {
    if (chunk.length >= SMALL_CHUNK_BYTES || this.queuedChunks === 0) {
      this.#sealTail();
      this.#chunks.push(copyOf(chunk));
      return;
    }
    if (this.#tail === null || this.#tailLength + chunk.length > this.#tail.length) {
      this.#growTail(chunk.length);
    }
    this.#tail?.set(chunk, this.#tailLength);
    this.#tailLength += chunk.length;
  }

  /** Makes room for `chunkBytes` more: doubles the buffer, or starts a new one at the largest size. */
  #growTail(chunkBytes: number): void {
    if (this.#tailLength + chunkBytes > MAX_COALESCED_BYTES) this.#sealTail();
    const oldCapacity = this.#tail?.length ?? 0;
    const neededBytes = this.#tailLength + chunkBytes;
    const capacity = Math.max(neededBytes, 2 * oldCapacity, MIN_COALESCED_BYTES);
    const grown = new Uint8Array(Math.min(capacity, MAX_COALESCED_BYTES));
    if (this.#tail !== null) grown.set(this.#tail.subarray(0, this.#tailLength));
    this.#tail = grown;
  }

  #sealTail(): void {
    if (this.#tail === null) return;
    this.#chunks.push(this.#tail.subarray(0, this.#tailLength));
    this.#tail = null;
    this.#tailLength = 0;
  }

  /** The oldest queued chunk; the consumer owns it from then on. */
  #dequeue(): Uint8Array | undefined {
    const chunk = this.#chunks.shift();
    if (chunk !== undefined || this.#tail === null) return chunk;
    const tail = this.#tail.subarray(0, this.#tailLength);
    this.#tail = null;
    this.#tailLength = 0;
    return tail;
  }

  #settle(outcome: Outcome): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = outcome;
    if (this.#receiver !== undefined) {
      this.#deliverOutcome(this.#receiver, outcome);
      return;
    }
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter === undefined) return;
    if (outcome.kind === 'end') waiter.resolve({ done: true, value: undefined });
    else waiter.reject(outcome.error);
  }

  #deliverOutcome(receiver: ByteReceiver, outcome: Outcome): void {
    if (this.#discarding) return;
    if (outcome.kind === 'end') receiver.end();
    else receiver.fail(outcome.error);
  }
}

/** A copy of the same type (a `Buffer` stays one): `Buffer#slice` would return a view. */
function copyOf(chunk: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(chunk);
}
