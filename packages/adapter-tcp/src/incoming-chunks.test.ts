import { ConnectionError } from '@faf-replay/core';
import { describe, expect, it } from 'vitest';
import { IncomingChunks } from './incoming-chunks.js';

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
