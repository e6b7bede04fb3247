import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { getDefaultHighWaterMark } from 'node:stream';
import { ConnectionError } from '@faf-replay/core';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionOptions } from './connection-options.js';
import { SocketConnection } from './socket-connection.js';
import { TcpListener } from './tcp-listener.js';
import type { TcpListenerOptions } from './tcp-listener.js';
import {
  ConnectionInbox,
  PatternSender,
  collectIncoming,
  connectTcp,
  readToEnd,
  receivePattern,
} from './testing/index.js';
import type { TransportConnection } from './transport-connection.js';

const example = fixture(fixtureFacts.example.file);
const longGame = fixture(fixtureFacts.long.file);

let listener: TcpListener | undefined;
let inbox: ConnectionInbox<TransportConnection>;
const clients: Socket[] = [];

beforeEach(() => {
  inbox = new ConnectionInbox();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  inbox.destroyAll();
  await listener?.close();
});

async function connectPair(options: Partial<TcpListenerOptions> = {}): Promise<{
  client: Socket;
  connection: TransportConnection;
}> {
  const defaults = {
    host: '127.0.0.1',
    port: 0,
    lingerMs: 50,
    closeTimeoutMs: 1000,
    slowReaderTimeoutMs: 2000,
  };
  listener = new TcpListener({ ...defaults, ...options }, inbox.accept);
  const { port } = await listener.listen();
  const client = await connectTcp(port);
  clients.push(client);
  return { client, connection: await inbox.next() };
}

function writeInChunks(client: Socket, bytes: Uint8Array, sizes: readonly number[]): Promise<void> {
  return (async () => {
    for (let offset = 0, i = 0; offset < bytes.length; i++) {
      const end = Math.min(bytes.length, offset + (sizes[i % sizes.length] ?? 1));
      await new Promise((resolve) => client.write(bytes.subarray(offset, end), resolve));
      offset = end;
    }
  })();
}

describe('SocketConnection', () => {
  it('yields the bytes sent in arbitrary chunks, in order, and returns at FIN', async () => {
    const { client, connection } = await connectPair();
    const collecting = collectIncoming(connection);
    await writeInChunks(client, example, [1, 2, 3, 5, 8, 13, 4096, 1000, 7, 65_536]);
    client.end();
    const { bytes, error } = await collecting;
    expect(error).toBeUndefined();
    expect(firstDifference(bytes, example)).toBe(-1);
  });

  it('throws a ConnectionError on a client reset, after yielding the bytes received before it', async () => {
    const { client, connection } = await connectPair();
    client.write(example);
    const { bytes, error } = await collectIncoming(connection, (received) => {
      if (received === example.length) client.resetAndDestroy();
    });
    expect(firstDifference(bytes, example)).toBe(-1);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(String(error)).toMatch(/ECONNRESET/);
    await expect(connection.write(example)).rejects.toBeInstanceOf(ConnectionError);
  });

  it('drops a reader that stops reading, holding at most one chunk beyond the socket buffer', async () => {
    const slowReaderTimeoutMs = 300;
    const { client, connection } = await connectPair({ slowReaderTimeoutMs });
    client.pause();
    const chunk = Buffer.alloc(64 * 1024, 0x55);
    let maxQueuedBytes = 0;
    let failure: unknown;
    try {
      for (;;) {
        const writing = connection.write(chunk);
        maxQueuedBytes = Math.max(maxQueuedBytes, connection.bufferedBytes);
        await writing;
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(String(failure)).toMatch(/reader could not keep up: \d+ bytes still unsent after 300 ms/);
    expect(maxQueuedBytes).toBeGreaterThan(0);
    expect(maxQueuedBytes).toBeLessThanOrEqual(getDefaultHighWaterMark(false) + chunk.length);
    await expect(connection.write(chunk)).rejects.toBe(failure);
    await expect(collectIncoming(connection)).resolves.toMatchObject({ error: failure });
  });

  it('closes at once on destroy(): incoming throws and writes reject', async () => {
    const { client, connection } = await connectPair();
    const reading = readToEnd(client);
    const collecting = collectIncoming(connection);
    connection.destroy();
    connection.destroy();
    const { error } = await collecting;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(String(error)).toMatch(/destroyed/);
    await expect(connection.write(example)).rejects.toBe(error);
    await reading;
    await connection.end();
  });

  it('gives each connection a 12-letter id and a tcp peer', async () => {
    const { connection } = await connectPair();
    expect(connection.id).toMatch(/^[a-zA-Z]{12}$/);
    expect(connection.peer).toMatch(/^tcp 127\.0\.0\.1:\d+$/);
  });
});

describe('SocketConnection on a socket of any server', () => {
  let server: Server | undefined;

  afterEach(() => {
    server?.close();
  });

  /** A plain `net` server: unlike `TcpListener`'s, its sockets do not allow half-open. */
  async function rawPair(
    options: ConnectionOptions = { lingerMs: 0 },
    clientOptions: { allowHalfOpen?: boolean } = {},
  ): Promise<{ client: Socket; serverSocket: Socket; connection: SocketConnection }> {
    const accepted = Promise.withResolvers<Socket>();
    server = createServer(accepted.resolve);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const client = await connectTcp(address.port, '127.0.0.1', clientOptions);
    clients.push(client);
    const serverSocket = await accepted.promise;
    return { client, serverSocket, connection: new SocketConnection(serverSocket, options) };
  }

  it('delivers every written byte and then a FIN, after the linger, even with unread client bytes', async () => {
    const lingerMs = 200;
    const { client, serverSocket, connection } = await rawPair({ lingerMs, closeTimeoutMs: 5000 });
    const reading = readToEnd(client);
    client.write(Buffer.alloc(256 * 1024, 0x47));
    await until(() => serverSocket.isPaused());
    for (let offset = 0; offset < longGame.length; offset += 4096) {
      await connection.write(longGame.subarray(offset, offset + 4096));
    }
    const endStartedAt = performance.now();
    await connection.end();
    // Only a connection whose unread input was drained sees the client's FIN and closes cleanly;
    // otherwise end() would wait for closeTimeoutMs and destroy the socket.
    expect(performance.now() - endStartedAt).toBeLessThan(lingerMs + 2000);
    const { bytes, sawEnd, error, closedAt } = await reading;
    expect(error).toBeUndefined();
    expect(sawEnd).toBe(true);
    expect(firstDifference(bytes, longGame)).toBe(-1);
    // Node's timers run on the loop's cached clock, so allow them to look a little early.
    expect(closedAt - endStartedAt).toBeGreaterThanOrEqual(lingerMs - 20);
    await expect(connection.write(example)).rejects.toThrow(/ending/);
    await connection.end();
  });

  it('ends without the linger on end({ linger: false }): every byte, then a FIN, well under lingerMs', async () => {
    const lingerMs = 2000;
    const { client, connection } = await rawPair({ lingerMs, closeTimeoutMs: 5000 });
    const reading = readToEnd(client);
    client.write('G/1/unread input\0');
    for (let offset = 0; offset < longGame.length; offset += 64 * 1024) {
      await connection.write(longGame.subarray(offset, offset + 64 * 1024));
    }
    const endStartedAt = performance.now();
    await connection.end({ linger: false });
    const { bytes, sawEnd, error, closedAt } = await reading;
    expect(closedAt - endStartedAt).toBeLessThan(lingerMs / 4);
    expect(error).toBeUndefined();
    expect(sawEnd).toBe(true);
    expect(firstDifference(bytes, longGame)).toBe(-1);
  });

  it('cuts short the linger of an end() under way when end({ linger: false }) follows', async () => {
    const lingerMs = 2000;
    const { client, connection } = await rawPair({ lingerMs, closeTimeoutMs: 5000 });
    const reading = readToEnd(client);
    await connection.write(example);
    const endStartedAt = performance.now();
    const lingering = connection.end();
    const now = connection.end({ linger: false });
    expect(now).toBe(lingering);
    await lingering;
    expect(performance.now() - endStartedAt).toBeLessThan(lingerMs / 4);
    const { bytes, sawEnd, error } = await reading;
    expect(error).toBeUndefined();
    expect(sawEnd).toBe(true);
    expect(firstDifference(bytes, example)).toBe(-1);
  });

  it('never resets a reader that reads late: its input is drained before the final close', async () => {
    const options = { lingerMs: 50, closeTimeoutMs: 200 };
    const { client, serverSocket, connection } = await rawPair(options, { allowHalfOpen: true });
    client.pause();
    const junk = Buffer.alloc(256 * 1024, 0x47);
    client.write(junk);
    await until(() => serverSocket.isPaused());
    await connection.write(example);
    await connection.end();
    // The client never closed its side, so end() destroyed the socket after closeTimeoutMs.
    // Unread input at that moment would have made the close an RST, and on Windows (where the
    // game runs) the client's kernel then drops the bytes it has not read yet: "short replays".
    expect(serverSocket.bytesRead).toBe(junk.length);
    const reading = readToEnd(client);
    client.resume();
    await once(client, 'end');
    client.end();
    const { bytes, error } = await reading;
    expect(error).toBeUndefined();
    expect(firstDifference(bytes, example)).toBe(-1);
  });

  it('keeps sending to a reader that half-closed after its header', async () => {
    const { client, connection } = await rawPair();
    const reading = readToEnd(client);
    client.end('G/1/reader.SCFAreplay\0');
    const { bytes: header, error } = await collectIncoming(connection);
    expect(error).toBeUndefined();
    expect(header.toString()).toBe('G/1/reader.SCFAreplay\0');
    await connection.write(example);
    await connection.end();
    const received = await reading;
    expect(received.error).toBeUndefined();
    expect(firstDifference(received.bytes, example)).toBe(-1);
  });

  it('stops reading from a client while the consumer lags, then delivers everything in order', async () => {
    const { client, serverSocket, connection } = await rawPair();
    const sender = new PatternSender((chunk) =>
      client.write(chunk) ? Promise.resolve() : once(client, 'drain'),
    );
    const sending = sender.sendUntilStalled(128 * 1024 * 1024);
    await sender.stalled;
    expect(sender.sentBytes).toBeLessThan(128 * 1024 * 1024);
    expect(serverSocket.isPaused()).toBe(true);
    expect(serverSocket.readableLength).toBeLessThanOrEqual(serverSocket.readableHighWaterMark);

    const receiving = receivePattern(connection.incoming);
    await sending;
    client.end();
    expect(await receiving).toEqual({ bytes: sender.sentBytes, firstWrongOffset: -1 });
  });
});

/** Polls `condition` once per event-loop turn until it holds (the test timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
