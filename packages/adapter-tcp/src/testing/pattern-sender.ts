/** Byte `i` of a pattern stream is `i % 251`: a chunk of 251 × 256 bytes always starts at pattern 0. */
const patternChunk = Buffer.from(Array.from({ length: 251 * 256 }, (_, i) => i % 251));

/**
 * Sends a pattern stream through `send` (which resolves when the transport takes more) until a
 * byte limit, or until no progress was made for `stallMs`: the receiver stopped reading. Tests
 * of input backpressure use it; `receivePattern` checks what arrived.
 */
export class PatternSender {
  readonly #send: (chunk: Buffer) => Promise<unknown>;
  readonly #stallMs: number;
  readonly #stalled = Promise.withResolvers<undefined>();
  #isStalled = false;
  sentBytes = 0;

  constructor(send: (chunk: Buffer) => Promise<unknown>, stallMs = 300) {
    this.#send = send;
    this.#stallMs = stallMs;
  }

  /** Resolves once sending stalled, or ended. */
  get stalled(): Promise<undefined> {
    return this.#stalled.promise;
  }

  /** Sends until `limitBytes` or a stall; after a stall it only finishes the pending send. */
  async sendUntilStalled(limitBytes: number): Promise<void> {
    let progressAt = performance.now();
    const watch = setInterval(() => {
      if (performance.now() - progressAt > this.#stallMs) this.#stall();
    }, this.#stallMs / 6);
    try {
      while (this.sentBytes < limitBytes && !this.#isStalled) {
        this.sentBytes += patternChunk.length;
        await this.#send(patternChunk);
        progressAt = performance.now();
      }
    } finally {
      clearInterval(watch);
      this.#stall();
    }
  }

  #stall(): void {
    this.#isStalled = true;
    this.#stalled.resolve(undefined);
  }
}

/** Reads `incoming` to its end: how many bytes came, and where the pattern first broke (-1: never). */
export async function receivePattern(
  incoming: AsyncIterable<Uint8Array>,
): Promise<{ bytes: number; firstWrongOffset: number }> {
  let offset = 0;
  let firstWrongOffset = -1;
  for await (const chunk of incoming) {
    for (let i = 0; i < chunk.length && firstWrongOffset === -1; i++) {
      if (chunk[i] !== (offset + i) % 251) firstWrongOffset = offset + i;
    }
    offset += chunk.length;
  }
  return { bytes: offset, firstWrongOffset };
}
