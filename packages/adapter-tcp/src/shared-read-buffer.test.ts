import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { adoptWithSharedReadBuffer } from './shared-read-buffer.js';
import { TcpListener } from './tcp-listener.js';
import {
  ConnectionInbox,
  PatternSender,
  RecordingReceiver,
  connectTcp,
  readToEnd,
  receivePattern,
} from './testing/index.js';
import type { TransportConnection } from './transport-connection.js';

const example = fixture(fixtureFacts.example.file);
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A writer's stream: the example fixture 12 times over, each copy marked with its writer and index. */
function writerStream(writer: number): Buffer {
  return Buffer.concat(
    Array.from({ length: 12 }, (_, copy) => Buffer.concat([Buffer.from([writer, copy]), example])),
  );
}

/** Writes `bytes` in pieces of 1, 7, 300, 4096 and 70_000 bytes in turn, then half-closes. */
async function sendInPieces(client: Socket, bytes: Buffer): Promise<void> {
  const sizes = [1, 7, 300, 4096, 70_000];
  for (let at = 0, turn = 0; at < bytes.length; turn++) {
    const size = sizes[turn % sizes.length] ?? 1;
    if (!client.write(bytes.subarray(at, at + size))) await once(client, 'drain');
    at += size;
  }
  client.end();
}

/** Records the buffers that chunks are views of, besides the bytes. */
class BufferSpy extends RecordingReceiver {
  readonly buffers = new Set<ArrayBufferLike>();

  override data(chunk: Uint8Array): void {
    this.buffers.add(chunk.buffer);
    super.data(chunk);
  }
}

describe('TcpListener reads into one shared buffer', () => {
  it('delivers every writer intact, each read a view of the same buffer, and half-closes as before', async () => {
    const inbox = new ConnectionInbox<TransportConnection>();
    const listener = new TcpListener({ host: '127.0.0.1', port: 0, lingerMs: 0 }, inbox.accept);
    cleanups.push(
      () => listener.close(),
      () => inbox.destroyAll(),
    );
    const { port } = await listener.listen();
    const clients = await Promise.all([connectTcp(port), connectTcp(port)]);
    cleanups.push(...clients.map((client) => () => client.destroy()));
    const connections = [await inbox.next(), await inbox.next()];
    const receivers = connections.map((connection) => {
      const receiver = new BufferSpy();
      connection.receive(receiver);
      return receiver;
    });
    const streams = [writerStream(1), writerStream(2)];
    const replies = clients.map((client) => readToEnd(client));
    await Promise.all(clients.map((client, index) => sendInPieces(client, streams[index] ?? example)));
    expect(await Promise.all(receivers.map((receiver) => receiver.done))).toEqual([
      { kind: 'end' },
      { kind: 'end' },
    ]);
    // Which client was accepted first is not known: each stream starts with its writer's number.
    const received = receivers.map((receiver) => receiver.bytes).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    received.forEach((bytes, index) => {
      expect(firstDifference(bytes, streams[index] ?? example)).toBe(-1);
    });
    expect(new Set(receivers.flatMap((receiver) => [...receiver.buffers])).size).toBe(1);
    for (const connection of connections) {
      await connection.write(example);
      await connection.end();
    }
    for (const reply of await Promise.all(replies)) {
      expect(reply.error).toBeUndefined();
      expect(firstDifference(reply.bytes, example)).toBe(-1);
    }
    expect(listener.openConnections).toBe(0);
  });

  it('stops reading a writer while a pulling consumer lags, then delivers everything in order', async () => {
    const inbox = new ConnectionInbox<TransportConnection>();
    const listener = new TcpListener({ host: '127.0.0.1', port: 0, lingerMs: 0 }, inbox.accept);
    cleanups.push(
      () => listener.close(),
      () => inbox.destroyAll(),
    );
    const client = await connectTcp((await listener.listen()).port);
    cleanups.push(() => client.destroy());
    const connection = await inbox.next();
    const sender = new PatternSender((chunk) =>
      client.write(chunk) ? Promise.resolve() : once(client, 'drain'),
    );
    const sending = sender.sendUntilStalled(128 * 1024 * 1024);
    await sender.stalled;
    expect(sender.sentBytes).toBeLessThan(128 * 1024 * 1024);
    const receiving = receivePattern(connection.incoming);
    await sending;
    client.end();
    expect(await receiving).toEqual({ bytes: sender.sentBytes, firstWrongOffset: -1 });
  });
});

describe('adoptWithSharedReadBuffer', () => {
  it('leaves the server counting the connection until the adopted socket closes', async () => {
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true });
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const client = await connectTcp(address.port);
    cleanups.push(() => client.destroy());
    const [socket] = await accepted;
    const adopted = adoptWithSharedReadBuffer(socket);
    expect(adopted.reads).toBeDefined();
    expect(adopted.socket).not.toBe(socket);
    const received: number[] = [];
    adopted.reads?.listen(adopted.socket, (chunk) => received.push(...chunk));
    expect(await connectionsOf(server)).toBe(1);
    adopted.socket.on('end', () => adopted.socket.end('reply'));
    const serverClosed = once(server, 'close').then(() => adopted.socket.destroyed);
    server.close();
    const reply = readToEnd(client);
    client.end('request');
    expect((await reply).bytes.toString()).toBe('reply');
    expect(await serverClosed).toBe(true);
    expect(Buffer.from(received).toString()).toBe('request');
    expect(await connectionsOf(server)).toBe(0);
  });

  it('leaves a socket that no server accepted as it is', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const client = await connectTcp(address.port);
    cleanups.push(
      () => client.destroy(),
      () => new Promise((resolve) => server.close(resolve)),
    );
    expect(adoptWithSharedReadBuffer(client)).toEqual({ socket: client, reads: undefined });
  });
});

function connectionsOf(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.getConnections((error, count) => {
      if (error === null) resolve(count);
      else reject(error);
    });
  });
}
