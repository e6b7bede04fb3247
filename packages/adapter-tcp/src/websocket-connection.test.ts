import { getDefaultHighWaterMark } from 'node:stream';
import { ConnectionError } from '@faf-replay/core';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import {
  ConnectionInbox,
  PatternSender,
  collectIncoming,
  openWebSocket,
  receiveMessages,
  receivePattern,
} from './testing/index.js';
import type { TransportConnection } from './transport-connection.js';
import { WebSocketListener, defaultMaxMessageBytes } from './websocket-listener.js';
import type { WebSocketListenerOptions } from './websocket-listener.js';

const example = fixture(fixtureFacts.example.file);
const connectionHeader = Buffer.from('P/8468507/Player.SCFAreplay\0');

let listener: WebSocketListener | undefined;
let inbox: ConnectionInbox<TransportConnection>;
const clients: WebSocket[] = [];

beforeEach(() => {
  inbox = new ConnectionInbox();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  inbox.destroyAll();
  await listener?.close();
});

async function connectPair(
  options: Partial<WebSocketListenerOptions> = {},
): Promise<{ client: WebSocket; connection: TransportConnection }> {
  const defaults = {
    host: '127.0.0.1',
    port: 0,
    lingerMs: 50,
    closeTimeoutMs: 1000,
    slowReaderTimeoutMs: 2000,
  };
  listener = new WebSocketListener({ ...defaults, ...options }, inbox.accept);
  const { port } = await listener.listen();
  const client = await openWebSocket(`ws://127.0.0.1:${port}/8468507/Player.SCFAreplay`);
  clients.push(client);
  return { client, connection: await inbox.next() };
}

function sendInMessages(client: WebSocket, bytes: Uint8Array, messageBytes: number): void {
  for (let offset = 0; offset < bytes.length; offset += messageBytes) {
    client.send(bytes.subarray(offset, offset + messageBytes));
  }
}

describe('WebSocketConnection', () => {
  it('concatenates binary messages: the header alone, then 1000-byte messages; close 1000 ends cleanly', async () => {
    const { client, connection } = await connectPair();
    const collecting = collectIncoming(connection);
    client.send(connectionHeader);
    sendInMessages(client, example, 1000);
    client.close(1000);
    const { bytes, error } = await collecting;
    expect(error).toBeUndefined();
    expect(firstDifference(bytes, Buffer.concat([connectionHeader, example]))).toBe(-1);
  });

  it('takes the payload of text messages as bytes too', async () => {
    const { client, connection } = await connectPair();
    const collecting = collectIncoming(connection);
    client.send('G/8468507/');
    client.send(Buffer.from('Reader.SCFA'));
    client.send('replay\0');
    client.close(1000);
    expect(await collecting).toEqual({
      bytes: Buffer.from('G/8468507/Reader.SCFAreplay\0'),
      error: undefined,
    });
  });

  it('adds nothing for ping and pong, and ends cleanly at close 1000', async () => {
    const { client, connection } = await connectPair();
    const collecting = collectIncoming(connection);
    client.send(connectionHeader);
    const pong = new Promise((resolve) => client.once('pong', resolve));
    client.ping(Buffer.from('are you there'));
    await pong;
    client.pong(Buffer.from('unsolicited'));
    client.send(example);
    client.close(1000);
    const { bytes, error } = await collecting;
    expect(error).toBeUndefined();
    expect(firstDifference(bytes, Buffer.concat([connectionHeader, example]))).toBe(-1);
  });

  it.each([
    {
      close: (client: WebSocket) => {
        client.close(1001, 'going away');
      },
      message: /code 1001: going away/,
    },
    {
      close: (client: WebSocket) => {
        client.close();
      },
      message: /without a status code \(1005\)/,
    },
    {
      close: (client: WebSocket) => {
        client.terminate();
      },
      message: /dropped without a close frame \(1006\)/,
    },
  ])(
    'ends with a ConnectionError ($message) on any other close, keeping the data before it',
    async (closing) => {
      const { client, connection } = await connectPair();
      const collecting = collectIncoming(connection);
      client.send(connectionHeader);
      client.send(example);
      const sent = new Promise((resolve) => {
        client.send(Buffer.alloc(0), resolve);
      });
      await sent;
      closing.close(client);
      const { bytes, error } = await collecting;
      expect(firstDifference(bytes, Buffer.concat([connectionHeader, example]))).toBe(-1);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(String(error)).toMatch(closing.message);
    },
  );

  it('ends a client that sends a message over maxMessageBytes with a ConnectionError', async () => {
    const { client, connection } = await connectPair({ maxMessageBytes: 1024 });
    const collecting = collectIncoming(connection);
    client.send(Buffer.alloc(1024, 1));
    client.send(Buffer.alloc(1025, 2));
    const { bytes, error } = await collecting;
    expect(bytes).toEqual(Buffer.alloc(1024, 1));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(String(error)).toMatch(/payload/i);
  });

  it('takes a 5 MiB binary message intact by default (the Rust server allows 64 MiB)', async () => {
    const { client, connection } = await connectPair();
    const collecting = collectIncoming(connection);
    const big = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    client.send(connectionHeader);
    client.send(big);
    client.close(1000);
    const { bytes, error } = await collecting;
    expect(error).toBeUndefined();
    expect(firstDifference(bytes, Buffer.concat([connectionHeader, big]))).toBe(-1);
    expect(defaultMaxMessageBytes).toBe(64 * 1024 * 1024);
  });

  it('hands on each frame of a fragmented message as it is, without joining them', async () => {
    const { client, connection } = await connectPair();
    const frames = [0x61, 0x62, 0x63].map((fill) => Buffer.alloc(100 * 1024, fill));
    frames.forEach((frame, i) => {
      client.send(frame, { fin: i === frames.length - 1 });
    });
    client.close(1000);
    const chunks: Uint8Array[] = [];
    for await (const chunk of connection.incoming) chunks.push(chunk);
    expect(chunks.map((chunk) => Buffer.from(chunk))).toEqual(frames);
  });

  it('sends each write as one binary message, in order, then close 1000 after the linger', async () => {
    const lingerMs = 200;
    const { client, connection } = await connectPair({ lingerMs });
    const receiving = receiveMessages(client);
    client.send(Buffer.from('G/1/unread input\0'));
    const chunks = [example.subarray(0, 1966), example.subarray(1966, 10_000), example.subarray(10_000)];
    for (const chunk of chunks) await connection.write(chunk);
    const endStartedAt = performance.now();
    await connection.end();
    const { messages, binary, closeCode, closedAt } = await receiving;
    expect(messages).toEqual(chunks.map((chunk) => Buffer.from(chunk)));
    expect(binary).toEqual([true, true, true]);
    expect(closeCode).toBe(1000);
    expect(closedAt - endStartedAt).toBeGreaterThanOrEqual(lingerMs - 20);
    await expect(connection.write(example)).rejects.toThrow(/ending/);
  });

  it('ends without the linger on end({ linger: false }): every message, then close 1000, well under lingerMs', async () => {
    const lingerMs = 2000;
    const { client, connection } = await connectPair({ lingerMs });
    const receiving = receiveMessages(client);
    client.send(Buffer.from('G/1/unread input\0'));
    await connection.write(example);
    const endStartedAt = performance.now();
    await connection.end({ linger: false });
    const { messages, closeCode, closedAt } = await receiving;
    expect(closedAt - endStartedAt).toBeLessThan(lingerMs / 4);
    expect(closeCode).toBe(1000);
    expect(firstDifference(Buffer.concat(messages), example)).toBe(-1);
  });

  it('drops a reader that stops reading, holding at most one message beyond the socket buffer', async () => {
    const { client, connection } = await connectPair({ slowReaderTimeoutMs: 300 });
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
    expect(String(failure)).toMatch(/reader could not keep up: \d+ bytes still unsent after 300 ms/);
    expect(maxQueuedBytes).toBeGreaterThan(0);
    const frameHeaderBytes = 10;
    expect(maxQueuedBytes).toBeLessThanOrEqual(
      getDefaultHighWaterMark(false) + chunk.length + frameHeaderBytes,
    );
    await expect(connection.write(chunk)).rejects.toBe(failure);
  });

  it('stops reading from a client while the consumer lags, then delivers everything in order', async () => {
    const { client, connection } = await connectPair();
    const sender = new PatternSender(
      (chunk) =>
        new Promise((resolve) => {
          client.send(chunk, resolve);
        }),
    );
    const sending = sender.sendUntilStalled(128 * 1024 * 1024);
    await sender.stalled;
    expect(sender.sentBytes).toBeLessThan(128 * 1024 * 1024);
    const receiving = receivePattern(connection.incoming);
    await sending;
    client.close(1000);
    expect(await receiving).toEqual({ bytes: sender.sentBytes, firstWrongOffset: -1 });
  });

  it('closes at once on destroy(): the client sees an abnormal close, incoming throws', async () => {
    const { client, connection } = await connectPair();
    const receiving = receiveMessages(client);
    const collecting = collectIncoming(connection);
    connection.destroy();
    const { error } = await collecting;
    expect(String(error)).toMatch(/destroyed/);
    expect((await receiving).closeCode).toBe(1006);
    expect(connection.peer).toMatch(/^ws 127\.0\.0\.1:\d+$/);
  });
});
