import { ConnectionError } from '../errors.js';
import type { ByteConnection, ByteReceiver } from '../ports/byte-connection.js';

/**
 * An in-memory connection: the server side is a `ByteConnection`, the client side is driven by
 * the test (send, close, fail) and records what the server wrote and how it closed.
 */
export class PipeConnection implements ByteConnection {
  readonly id: string;
  readonly peer: string;
  readonly readFrom: number | undefined;
  readonly client: PipeClient;
  #inbox: Uint8Array[] = [];
  #inboxEnd: 'open' | 'clean' | Error = 'open';
  #wakeReader: (() => void) | undefined;
  #receiver: ByteReceiver | undefined;
  #receiverDone = false;
  #outbox: Uint8Array[] = [];
  #state: 'open' | 'ended' | 'destroyed' = 'open';
  #lingerSkipped = false;
  #writeGate: Promise<void> = Promise.resolve();
  #openGate: (() => void) | undefined;
  #closedWaiters: (() => void)[] = [];
  readonly #lendFrom: Uint8Array | undefined;

  /**
   * `readFrom`: the offset a reader asks to start at, as a WebSocket `?offset=N` would say.
   * `lendFrom`: a buffer to lend chunks from, as the TCP adapter does. Each chunk then reaches
   * the receiver as a view of it (split to its size), and every byte of the view is inverted as
   * soon as `data` returns, so a receiver that keeps a chunk instead of copying it sees garbage.
   */
  constructor(id = 'pipe', readFrom?: number, lendFrom?: Uint8Array) {
    this.id = id;
    this.readFrom = readFrom;
    this.#lendFrom = lendFrom;
    this.peer = `pipe ${id}`;
    this.client = new PipeClient(this);
  }

  get incoming(): AsyncIterable<Uint8Array> {
    return { [Symbol.asyncIterator]: () => this.#iterate() };
  }

  receive(receiver: ByteReceiver): void {
    if (this.#receiver !== undefined) throw new Error('receive can be called only once');
    this.#receiver = receiver;
    this.#pushToReceiver();
  }

  async write(bytes: Uint8Array): Promise<void> {
    await this.#writeGate;
    if (this.#state !== 'open') throw new ConnectionError(`connection ${this.id} is closed`);
    this.#outbox.push(bytes);
  }

  end(options?: { readonly linger?: boolean }): Promise<void> {
    if (options?.linger === false) this.#lingerSkipped = true;
    this.#close('ended');
    return Promise.resolve();
  }

  destroy(): void {
    this.#close('destroyed');
  }

  /** @internal used by PipeClient */
  clientSend(bytes: Uint8Array): void {
    if (this.#inboxEnd !== 'open') throw new Error('client already closed its side');
    this.#inbox.push(bytes);
    this.#wake();
  }

  /** @internal */
  clientClose(outcome: 'clean' | Error): void {
    if (this.#inboxEnd === 'open') this.#inboxEnd = outcome;
    this.#wake();
  }

  /** @internal */
  setStalled(stalled: boolean): void {
    if (stalled && this.#openGate === undefined) {
      this.#writeGate = new Promise((resolve) => (this.#openGate = resolve));
    } else if (!stalled && this.#openGate !== undefined) {
      this.#openGate();
      this.#openGate = undefined;
    }
  }

  /** @internal */
  get outbox(): readonly Uint8Array[] {
    return this.#outbox;
  }

  /** @internal */
  get state(): 'open' | 'ended' | 'destroyed' {
    return this.#state;
  }

  /** @internal */
  get lingerSkipped(): boolean {
    return this.#lingerSkipped;
  }

  /** @internal */
  whenClosed(): Promise<void> {
    if (this.#state !== 'open') return Promise.resolve();
    return new Promise((resolve) => this.#closedWaiters.push(resolve));
  }

  #close(state: 'ended' | 'destroyed'): void {
    if (this.#state !== 'open') return;
    this.#state = state;
    if (this.#inboxEnd === 'open') {
      this.#inboxEnd = state === 'ended' ? 'clean' : new ConnectionError(`connection ${this.id} destroyed`);
    }
    this.setStalled(false);
    this.#wake();
    for (const resolve of this.#closedWaiters.splice(0)) resolve();
  }

  #wake(): void {
    if (this.#receiver !== undefined) {
      this.#pushToReceiver();
      return;
    }
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }

  #pushToReceiver(): void {
    const receiver = this.#receiver;
    if (receiver === undefined || this.#receiverDone) return;
    for (let next = this.#inbox.shift(); next !== undefined; next = this.#inbox.shift()) {
      this.#deliver(receiver, next);
    }
    if (this.#inboxEnd === 'open') return;
    this.#receiverDone = true;
    if (this.#inboxEnd === 'clean') receiver.end();
    else receiver.fail(asConnectionError(this.#inboxEnd));
  }

  #deliver(receiver: ByteReceiver, chunk: Uint8Array): void {
    const scratch = this.#lendFrom;
    if (scratch === undefined) {
      receiver.data(chunk);
      return;
    }
    for (let offset = 0; offset < chunk.length; offset += scratch.length) {
      const lent = scratch.subarray(0, Math.min(scratch.length, chunk.length - offset));
      lent.set(chunk.subarray(offset, offset + lent.length));
      receiver.data(lent);
      for (let i = 0; i < lent.length; i++) lent[i] = ~(lent[i] as number);
    }
  }

  async *#iterate(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.#inbox.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#inboxEnd === 'clean') return;
      if (this.#inboxEnd instanceof Error) throw this.#inboxEnd;
      await new Promise<void>((resolve) => (this.#wakeReader = resolve));
    }
  }
}

/** The test's end of a `PipeConnection`. */
export class PipeClient {
  readonly #pipe: PipeConnection;

  constructor(pipe: PipeConnection) {
    this.#pipe = pipe;
  }

  send(bytes: Uint8Array | string): void {
    this.#pipe.clientSend(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  }

  /** Sends `bytes` as chunks of `chunkBytes`. */
  sendInChunks(bytes: Uint8Array, chunkBytes: number): void {
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      this.send(bytes.subarray(offset, offset + chunkBytes));
    }
  }

  /** A clean end of the client's stream (FIN, WebSocket close 1000). */
  close(): void {
    this.#pipe.clientClose('clean');
  }

  /** An abnormal end (reset, WebSocket close 1001). */
  fail(reason = 'connection reset by peer'): void {
    this.#pipe.clientClose(new ConnectionError(reason));
  }

  /** While stalled, the server's writes wait (a reader that does not read). */
  stall(stalled = true): void {
    this.#pipe.setStalled(stalled);
  }

  /** Everything the server wrote so far, as one array. */
  received(): Uint8Array {
    return concatBytes(this.#pipe.outbox);
  }

  /** How the server closed its side: still `open`, gracefully `ended`, or `destroyed`. */
  get closedBy(): 'open' | 'ended' | 'destroyed' {
    return this.#pipe.state;
  }

  /** Whether the server called `end({ linger: false })` (as at shutdown). */
  get lingerSkipped(): boolean {
    return this.#pipe.lingerSkipped;
  }

  /** Resolves once the server closed the connection. */
  whenClosed(): Promise<void> {
    return this.#pipe.whenClosed();
  }
}

function asConnectionError(error: Error): ConnectionError {
  return error instanceof ConnectionError ? error : new ConnectionError(error.message, { cause: error });
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, c) => sum + c.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
