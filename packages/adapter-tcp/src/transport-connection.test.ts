import { once } from 'node:events';
import { createServer, get } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getDefaultHighWaterMark } from 'node:stream';
import { ConnectionError } from '@faf-replay/core';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConnectionOptions } from './connection-options.js';
import type { ConnectionOptions } from './connection-options.js';
import { ConnectionInbox, HttpResponseTransport } from './testing/index.js';
import type { SendState, Transport, TransportEvents } from './transport.js';
import { TransportConnection } from './transport-connection.js';

const longGame = fixture(fixtureFacts.long.file);
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface ReadBody {
  readonly bytes: Buffer;
  /** Whether the body ended properly (the last chunk of a chunked body arrived). */
  readonly complete: boolean;
  /** `performance.now()` when the response closed. */
  readonly closedAt: number;
}

function readBody(response: IncomingMessage): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('error', () => {
    // An aborted body still ends in 'close'; `complete` tells.
  });
  return new Promise((resolve) => {
    response.once('close', () => {
      resolve({ bytes: Buffer.concat(chunks), complete: response.complete, closedAt: performance.now() });
    });
  });
}

/**
 * A `TransportConnection` serving the body of an HTTP response on a loopback server, and the
 * client's view of that response (its headers are flushed at once).
 */
async function httpPair(
  options: ConnectionOptions,
): Promise<{ response: IncomingMessage; connection: TransportConnection }> {
  const inbox = new ConnectionInbox<TransportConnection>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    response.flushHeaders();
    const transport = new HttpResponseTransport(request, response);
    inbox.accept(new TransportConnection(transport, 'http test', resolveConnectionOptions(options)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    inbox.destroyAll();
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  const request = get({ host: '127.0.0.1', port, path: '/1/reader', agent: false });
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  return { response, connection: await inbox.next() };
}

async function writeAll(
  connection: TransportConnection,
  bytes: Uint8Array,
  chunkBytes: number,
): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    await connection.write(bytes.subarray(offset, offset + chunkBytes));
  }
}

describe('TransportConnection over an HTTP response (no socket of its own)', () => {
  it('drops a reader that stops reading the body, holding at most one chunk beyond the buffers', async () => {
    const { response, connection } = await httpPair({ slowReaderTimeoutMs: 300, lingerMs: 0 });
    response.pause();
    const body = readBody(response);
    const chunk = Buffer.alloc(64 * 1024, 0x55);
    let maxBufferedBytes = 0;
    let writtenBytes = 0;
    let failure: unknown;
    try {
      for (;;) {
        const writing = connection.write(chunk);
        maxBufferedBytes = Math.max(maxBufferedBytes, connection.bufferedBytes);
        await writing;
        writtenBytes += chunk.length;
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(String(failure)).toMatch(/reader could not keep up: \d+ bytes still unsent after 300 ms/);
    expect(maxBufferedBytes).toBeGreaterThan(0);
    // The response's own buffer, the socket's, and the chunk that filled them (with its framing).
    expect(maxBufferedBytes).toBeLessThanOrEqual(2 * getDefaultHighWaterMark(false) + chunk.length + 64);
    await connection.closed;
    await expect(connection.write(chunk)).rejects.toBe(failure);
    // A paused client sees the end only once it reads again: a body cut short.
    response.resume();
    const { bytes, complete } = await body;
    expect(complete).toBe(false);
    expect(bytes.length).toBeLessThanOrEqual(writtenBytes + chunk.length);
  });

  it('lingers after the last byte, then ends the body and closes', async () => {
    const lingerMs = 200;
    const { response, connection } = await httpPair({ lingerMs, closeTimeoutMs: 5000 });
    const body = readBody(response);
    await writeAll(connection, longGame, 4096);
    const endStartedAt = performance.now();
    await connection.end();
    const { bytes, complete, closedAt } = await body;
    expect(complete).toBe(true);
    expect(firstDifference(bytes, longGame)).toBe(-1);
    expect(bytes.length).toBe(longGame.length);
    // Node's timers run on the loop's cached clock, so allow them to look a little early.
    expect(closedAt - endStartedAt).toBeGreaterThanOrEqual(lingerMs - 20);
    await connection.closed;
    await expect(connection.write(longGame)).rejects.toThrow(/ending/);
  });

  it('ends the body without the linger on end({ linger: false })', async () => {
    const lingerMs = 2000;
    const { response, connection } = await httpPair({ lingerMs, closeTimeoutMs: 5000 });
    const body = readBody(response);
    await writeAll(connection, longGame, 64 * 1024);
    const endStartedAt = performance.now();
    await connection.end({ linger: false });
    const { bytes, complete, closedAt } = await body;
    expect(closedAt - endStartedAt).toBeLessThan(lingerMs / 4);
    expect(complete).toBe(true);
    expect(firstDifference(bytes, longGame)).toBe(-1);
  });
});

/** A transport whose backpressure the test sets by hand. */
class ManualTransport implements Transport {
  sendState: SendState = 'ready';
  readonly bufferedBytes = 0;
  terminated = false;
  #events: TransportEvents | undefined;

  get events(): TransportEvents {
    if (this.#events === undefined) throw new Error('not started');
    return this.#events;
  }

  start(events: TransportEvents): void {
    this.#events = events;
  }

  send(_bytes: Uint8Array, flushed: () => void): void {
    flushed();
  }

  pause(): void {}
  resume(): void {}
  close(): void {}

  terminate(): void {
    this.terminated = true;
    this.sendState = 'closed';
    this.events.closed();
  }
}

function manualPair(options: ConnectionOptions = {}): {
  transport: ManualTransport;
  connection: TransportConnection;
} {
  const transport = new ManualTransport();
  const connection = new TransportConnection(transport, 'manual', resolveConnectionOptions(options));
  cleanups.push(() => connection.destroy());
  return { transport, connection };
}

/** Whether `promise` settles within a few turns of the event loop. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  const fewTurns = (async () => {
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    return false;
  })();
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    fewTurns,
  ]);
}

describe('TransportConnection backpressure, as its transport reports it', () => {
  it('resolves a write on a full transport at its drain event, not before', async () => {
    const { transport, connection } = manualPair();
    transport.sendState = 'full';
    const writing = connection.write(Buffer.from('abc'));
    expect(await settlesSoon(writing)).toBe(false);
    transport.sendState = 'ready';
    transport.events.drain();
    await writing;
    await connection.write(Buffer.from('def'));
  });

  it('fails a write waiting on a full transport when the transport closes', async () => {
    const { transport, connection } = manualPair();
    transport.sendState = 'full';
    const writing = connection.write(Buffer.from('abc'));
    transport.sendState = 'closed';
    transport.events.closed();
    await expect(writing).rejects.toThrow(/closed before the end of its stream/);
  });

  it('fails a write at once on a transport that can no longer send, before its closed event', async () => {
    const { transport, connection } = manualPair();
    transport.sendState = 'closed';
    await expect(connection.write(Buffer.from('abc'))).rejects.toBeInstanceOf(ConnectionError);
    expect(transport.terminated).toBe(false);
  });

  it('terminates the transport when it stays full past slowReaderTimeoutMs', async () => {
    const { transport, connection } = manualPair({ slowReaderTimeoutMs: 50 });
    transport.sendState = 'full';
    await expect(connection.write(Buffer.from('abc'))).rejects.toThrow(/reader could not keep up/);
    expect(transport.terminated).toBe(true);
    await connection.closed;
  });
});
