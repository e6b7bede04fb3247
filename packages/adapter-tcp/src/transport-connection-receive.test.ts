import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { ConnectionError } from '@faf-replay/core';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SocketConnection } from './socket-connection.js';
import { ConnectionInbox, RecordingReceiver, connectTcp, openWebSocket } from './testing/index.js';
import type { TransportConnection } from './transport-connection.js';
import { WebSocketListener } from './websocket-listener.js';

const example = fixture(fixtureFacts.example.file);
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Polls once per event-loop turn until `condition` holds (the test timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** Asserts exactly one outcome and no data after it, even after the server ends and destroys. */
async function expectSingleOutcome(
  connection: TransportConnection,
  receiver: RecordingReceiver,
): Promise<void> {
  await connection.end({ linger: false });
  connection.destroy();
  expect(receiver.outcomes).toHaveLength(1);
  expect(receiver.chunksAfterOutcome).toBe(0);
}

describe('ByteConnection.receive over TCP', () => {
  let server: Server;

  beforeEach(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  });

  async function tcpPair(): Promise<{ client: Socket; serverSocket: Socket; connection: SocketConnection }> {
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const client = await connectTcp(address.port);
    const [serverSocket] = await accepted;
    const connection = new SocketConnection(serverSocket, { lingerMs: 0 });
    cleanups.push(
      () => client.destroy(),
      () => connection.destroy(),
    );
    return { client, serverSocket, connection };
  }

  it('delivers every chunk in order, then end() once at the FIN', async () => {
    const { client, connection } = await tcpPair();
    const receiver = new RecordingReceiver();
    connection.receive(receiver);
    for (let offset = 0; offset < example.length; offset += 1000) {
      client.write(example.subarray(offset, offset + 1000));
    }
    client.end();
    expect(await receiver.done).toEqual({ kind: 'end' });
    expect(firstDifference(receiver.bytes, example)).toBe(-1);
    await expectSingleOutcome(connection, receiver);
  });

  it('delivers the chunks queued for incoming first, at once, then the rest', async () => {
    const { client, serverSocket, connection } = await tcpPair();
    const iterator = connection.incoming[Symbol.asyncIterator]();
    client.write('P/1/a.SCFAreplay\0');
    expect(await iterator.next()).toEqual({ done: false, value: Buffer.from('P/1/a.SCFAreplay\0') });
    client.write(example.subarray(0, 3000));
    await until(() => serverSocket.isPaused());
    const receiver = new RecordingReceiver();
    connection.receive(receiver);
    expect(receiver.bytes.length).toBeGreaterThan(0);
    expect(firstDifference(receiver.bytes, example.subarray(0, receiver.bytes.length))).toBe(-1);
    client.end(example.subarray(3000));
    expect(await receiver.done).toEqual({ kind: 'end' });
    expect(firstDifference(receiver.bytes, example)).toBe(-1);
    await expectSingleOutcome(connection, receiver);
  });

  it('reports a reset as fail() once, after the chunks received before it', async () => {
    const { client, connection } = await tcpPair();
    const receiver = new RecordingReceiver();
    connection.receive(receiver);
    client.write(example);
    await receiver.received(example.length);
    client.resetAndDestroy();
    const outcome = await receiver.done;
    expect(outcome).toMatchObject({ kind: 'fail', error: expect.any(ConnectionError) as unknown });
    expect(String(outcome.kind === 'fail' ? outcome.error : '')).toMatch(/ECONNRESET/);
    expect(firstDifference(receiver.bytes, example)).toBe(-1);
    await expectSingleOutcome(connection, receiver);
  });

  it('reports destroy() as fail() once', async () => {
    const { connection } = await tcpPair();
    const receiver = new RecordingReceiver();
    connection.receive(receiver);
    connection.destroy();
    expect(await receiver.done).toMatchObject({ kind: 'fail', error: { message: 'connection destroyed' } });
    await expectSingleOutcome(connection, receiver);
  });
});

describe('ByteConnection.receive over WebSocket', () => {
  let inbox: ConnectionInbox<TransportConnection>;
  let port: number;

  beforeEach(async () => {
    inbox = new ConnectionInbox();
    const listener = new WebSocketListener({ host: '127.0.0.1', port: 0, lingerMs: 0 }, inbox.accept);
    cleanups.push(
      () => listener.close(),
      () => {
        inbox.destroyAll();
      },
    );
    ({ port } = await listener.listen());
  });

  async function wsPair(): Promise<{ client: WebSocket; connection: TransportConnection }> {
    const client = await openWebSocket(`ws://127.0.0.1:${port}/1/a.SCFAreplay`);
    cleanups.push(() => client.terminate());
    return { client, connection: await inbox.next() };
  }

  /** Resolves once the server handled everything the client sent before (frames are in order). */
  async function roundTrip(client: WebSocket): Promise<void> {
    const pong = once(client, 'pong');
    client.ping();
    await pong;
  }

  it('delivers every message in order, then end() once at close 1000', async () => {
    const { client, connection } = await wsPair();
    const receiver = new RecordingReceiver();
    connection.receive(receiver);
    for (let offset = 0; offset < example.length; offset += 1000) {
      client.send(example.subarray(offset, offset + 1000));
    }
    client.close(1000);
    expect(await receiver.done).toEqual({ kind: 'end' });
    expect(firstDifference(receiver.bytes, example)).toBe(-1);
    await expectSingleOutcome(connection, receiver);
  });

  it('delivers the messages queued for incoming first, at once, then the rest', async () => {
    const { client, connection } = await wsPair();
    const iterator = connection.incoming[Symbol.asyncIterator]();
    client.send('G/1/a.SCFAreplay\0');
    expect(await iterator.next()).toEqual({ done: false, value: Buffer.from('G/1/a.SCFAreplay\0') });
    client.send(example.subarray(0, 1000));
    client.send(example.subarray(1000, 5000));
    await roundTrip(client);
    const receiver = new RecordingReceiver();
    connection.receive(receiver);
    expect(firstDifference(receiver.bytes, example.subarray(0, 5000))).toBe(-1);
    client.send(example.subarray(5000));
    client.close(1000);
    expect(await receiver.done).toEqual({ kind: 'end' });
    expect(firstDifference(receiver.bytes, example)).toBe(-1);
    await expectSingleOutcome(connection, receiver);
  });

  it('reports close 1001 as fail() once, after the messages before it', async () => {
    const { client, connection } = await wsPair();
    const receiver = new RecordingReceiver();
    connection.receive(receiver);
    client.send(example);
    client.close(1001, 'going away');
    const outcome = await receiver.done;
    expect(outcome).toMatchObject({ kind: 'fail', error: expect.any(ConnectionError) as unknown });
    expect(String(outcome.kind === 'fail' ? outcome.error : '')).toMatch(/code 1001: going away/);
    expect(firstDifference(receiver.bytes, example)).toBe(-1);
    await expectSingleOutcome(connection, receiver);
  });
});
