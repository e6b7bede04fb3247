import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConnectionError } from '@faf-replay/core';
import type { ByteReceiver } from '@faf-replay/core';
import { describe, expect, it } from 'vitest';
import { IncomingChunks } from './incoming-chunks.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Live JS heap plus array buffers after a full collection: what the process really holds. */
function heldBytes(): number {
  collectGarbage();
  collectGarbage();
  return getHeapStatistics().used_heap_size + process.memoryUsage().arrayBuffers;
}

class FakeSource {
  paused = false;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

describe('IncomingChunks', () => {
  it('pauses the source while a chunk waits, and resumes it when the consumer takes it', async () => {
    const source = new FakeSource();
    const incoming = new IncomingChunks(source);
    const iterator = incoming[Symbol.asyncIterator]();
    incoming.push(bytes(1));
    expect(source.paused).toBe(true);
    expect(incoming.queuedBytes).toBe(1);
    expect(await iterator.next()).toEqual({ done: false, value: bytes(1) });
    expect(source.paused).toBe(false);
  });

  it('hands a chunk straight to a waiting consumer without pausing', async () => {
    const source = new FakeSource();
    const incoming = new IncomingChunks(source);
    const next = incoming[Symbol.asyncIterator]().next();
    incoming.push(bytes(7));
    expect(source.paused).toBe(false);
    expect(await next).toEqual({ done: false, value: bytes(7) });
  });

  it('yields queued chunks before a clean end', async () => {
    const incoming = new IncomingChunks(new FakeSource());
    incoming.push(bytes(1));
    incoming.push(bytes(2));
    incoming.finish();
    incoming.fail(new ConnectionError('ignored: the outcome is already set'));
    const received: number[] = [];
    for await (const chunk of incoming) received.push(...chunk);
    expect(received).toEqual([1, 2]);
  });

  it('throws the failure after the chunks received before it', async () => {
    const incoming = new IncomingChunks(new FakeSource());
    const failure = new ConnectionError('reset');
    incoming.push(bytes(1, 2));
    incoming.fail(failure);
    incoming.push(bytes(3));
    const iterator = incoming[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: bytes(1, 2) });
    await expect(iterator.next()).rejects.toBe(failure);
  });

  it('rejects a waiting consumer when the connection fails', async () => {
    const incoming = new IncomingChunks(new FakeSource());
    const next = incoming[Symbol.asyncIterator]().next();
    const failure = new ConnectionError('destroyed');
    incoming.fail(failure);
    await expect(next).rejects.toBe(failure);
  });

  it('keeps the source flowing and drops input once the consumer breaks out', async () => {
    const source = new FakeSource();
    const incoming = new IncomingChunks(source);
    incoming.push(bytes(1));
    incoming.push(bytes(2));
    for await (const chunk of incoming) {
      expect(chunk).toEqual(bytes(1));
      break;
    }
    expect(source.paused).toBe(false);
    incoming.push(bytes(3));
    expect(source.paused).toBe(false);
    expect(incoming.queuedBytes).toBe(0);
  });

  it('can be iterated only once', () => {
    const incoming = new IncomingChunks(new FakeSource());
    incoming[Symbol.asyncIterator]();
    expect(() => incoming[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});

describe('IncomingChunks queue', () => {
  /** Bytes `0, 1, 2, ...` modulo 251, so that any reordering or loss shows. */
  const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => i % 251);

  async function drain(incoming: IncomingChunks): Promise<Buffer> {
    incoming.finish();
    const chunks: Uint8Array[] = [];
    for await (const chunk of incoming) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  it('holds one-byte chunks that a source keeps pushing in about one byte each', async () => {
    const input = pattern(1 << 20);
    const incoming = new IncomingChunks(new FakeSource());
    const before = heldBytes();
    for (let at = 0; at < input.length; at++) incoming.push(input.subarray(at, at + 1));
    const growthBytes = heldBytes() - before;
    // Queuing each 1-byte view costs ~110 bytes of heap per byte (~115 MB here).
    expect(growthBytes).toBeLessThan(8 * 1024 * 1024);
    expect(incoming.queuedBytes).toBe(input.length);
    expect((await drain(incoming)).equals(input)).toBe(true);
  });

  it('copies small chunks queued behind others into buffers of at most 64 KiB, in order', async () => {
    const input = pattern(300_000);
    const incoming = new IncomingChunks(new FakeSource());
    incoming.push(input.subarray(0, 10_000));
    for (let at = 10_000; at < 13_000; at++) incoming.push(input.subarray(at, at + 1));
    expect(incoming.queuedChunks).toBe(2);
    incoming.push(input.subarray(13_000, 18_000));
    incoming.push(input.subarray(18_000, 18_001));
    incoming.push(input.subarray(18_001, 18_002));
    expect(incoming.queuedChunks).toBe(4);
    for (let at = 18_002; at < 200_000; at += 1000) {
      incoming.push(input.subarray(at, Math.min(at + 1000, 200_000)));
    }
    // The 182_000 bytes from 18_000 on fill buffers of 65_002, 65_000 and 51_998 bytes.
    expect(incoming.queuedChunks).toBe(6);
    expect(incoming.queuedBytes).toBe(200_000);
    incoming.push(input.subarray(200_000));
    expect(incoming.queuedChunks).toBe(7);
    expect((await drain(incoming)).equals(input)).toBe(true);
  });

  it('hands coalesced chunks to a receiver in order', () => {
    const input = pattern(5000);
    const incoming = new IncomingChunks(new FakeSource());
    for (let at = 0; at < 3000; at++) incoming.push(input.subarray(at, at + 1));
    const received: Uint8Array[] = [];
    let ended = 0;
    const receiver: ByteReceiver = {
      data: (chunk) => received.push(chunk),
      end: () => ended++,
      fail: () => {
        throw new Error('unexpected failure');
      },
    };
    incoming.receive(receiver);
    expect(received).toHaveLength(2);
    incoming.push(input.subarray(3000));
    incoming.finish();
    expect(Buffer.concat(received).equals(input)).toBe(true);
    expect(ended).toBe(1);
  });
});

describe('IncomingChunks over a source that reuses one buffer', () => {
  /** Pushes each of `chunks` through one scratch buffer, inverted right after `push` returns. */
  function pushBorrowed(incoming: IncomingChunks, chunks: readonly Uint8Array[]): void {
    const scratch = new Uint8Array(64 * 1024);
    for (const chunk of chunks) {
      scratch.set(chunk);
      const view = scratch.subarray(0, chunk.length);
      incoming.push(view);
      for (let i = 0; i < view.length; i++) view[i] = ~(view[i] as number);
    }
  }

  const chunks = [bytes(1), bytes(2, 3), Uint8Array.from({ length: 5000 }, (_, i) => i % 251), bytes(4)];
  const whole = Buffer.concat(chunks);

  it('keeps copies of the chunks it queues for the consumer', async () => {
    const incoming = new IncomingChunks(new FakeSource());
    pushBorrowed(incoming, chunks);
    incoming.finish();
    const received: Uint8Array[] = [];
    for await (const chunk of incoming) received.push(chunk);
    expect(Buffer.concat(received).equals(whole)).toBe(true);
  });

  it('hands a waiting consumer a copy', async () => {
    const incoming = new IncomingChunks(new FakeSource());
    const next = incoming[Symbol.asyncIterator]().next();
    pushBorrowed(incoming, [bytes(9, 8, 7)]);
    expect(await next).toEqual({ done: false, value: bytes(9, 8, 7) });
  });

  it('hands a receiver copies of what arrived before it, and later chunks as they come', () => {
    const incoming = new IncomingChunks(new FakeSource());
    pushBorrowed(incoming, chunks.slice(0, 3));
    const received: number[] = [];
    incoming.receive({
      data: (chunk) => received.push(...chunk),
      end: () => undefined,
      fail: () => undefined,
    });
    pushBorrowed(incoming, chunks.slice(3));
    expect(Buffer.from(received).equals(whole)).toBe(true);
  });
});
