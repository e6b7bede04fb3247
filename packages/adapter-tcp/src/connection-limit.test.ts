import type { Socket } from 'node:net';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { ConnectionLimit } from './connection-limit.js';
import { TcpListener } from './tcp-listener.js';
import {
  ConnectionInbox,
  collectIncoming,
  connectTcp,
  openWebSocket,
  readToEnd,
  receiveMessages,
} from './testing/index.js';
import type { TransportConnection } from './transport-connection.js';
import { WebSocketListener } from './websocket-listener.js';

const example = fixture(fixtureFacts.example.file);

let inbox: ConnectionInbox<TransportConnection>;
const closers: (() => unknown)[] = [];

beforeEach(() => {
  inbox = new ConnectionInbox();
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  inbox.destroyAll();
});

async function startListeners(limit: ConnectionLimit): Promise<{ tcpPort: number; wsPort: number }> {
  const options = { host: '127.0.0.1', port: 0, lingerMs: 0, connectionLimit: limit };
  const tcp = new TcpListener(options, inbox.accept);
  const webSocket = new WebSocketListener(options, inbox.accept);
  closers.push(
    () => tcp.close(),
    () => webSocket.close(),
  );
  const [{ port: tcpPort }, { port: wsPort }] = await Promise.all([tcp.listen(), webSocket.listen()]);
  return { tcpPort, wsPort };
}

async function tcpClient(port: number): Promise<Socket> {
  const client = await connectTcp(port);
  closers.push(() => client.destroy());
  return client;
}

async function wsClient(port: number): Promise<WebSocket> {
  const client = await openWebSocket(`ws://127.0.0.1:${port}/1/a.SCFAreplay`);
  closers.push(() => client.terminate());
  return client;
}

/** `promise`, or a failure naming `what` once `boundMs` passed: a refusal must come at once. */
async function within<T>(promise: Promise<T>, boundMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not happen within ${boundMs} ms`));
    }, boundMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The header one way, the example back, then a clean close both ways. */
async function expectTcpWorks(client: Socket, connection: TransportConnection): Promise<void> {
  const reading = readToEnd(client);
  const collecting = collectIncoming(connection);
  client.end('P/1/a.SCFAreplay\0');
  expect(await collecting).toEqual({ bytes: Buffer.from('P/1/a.SCFAreplay\0'), error: undefined });
  await connection.write(example);
  await connection.end();
  const { bytes, error } = await reading;
  expect(error).toBeUndefined();
  expect(firstDifference(bytes, example)).toBe(-1);
}

async function expectWebSocketWorks(client: WebSocket, connection: TransportConnection): Promise<void> {
  const receiving = receiveMessages(client);
  await connection.write(example);
  await connection.end();
  const { messages, closeCode } = await receiving;
  expect(closeCode).toBe(1000);
  expect(firstDifference(Buffer.concat(messages), example)).toBe(-1);
}

describe('ConnectionLimit shared by the TCP and WebSocket listeners', () => {
  it('closes connection N+1 at once, keeps the N others working, and accepts again after one closes', async () => {
    const refused: string[] = [];
    const limit = new ConnectionLimit({ maxConnections: 3, onRefused: (peer) => refused.push(peer) });
    const { tcpPort, wsPort } = await startListeners(limit);
    const first = await tcpClient(tcpPort);
    const firstConnection = await inbox.next();
    const second = await wsClient(wsPort);
    const secondConnection = await inbox.next();
    const third = await tcpClient(tcpPort);
    const thirdConnection = await inbox.next();
    expect(limit.openConnections).toBe(3);

    const refusedTcp = await tcpClient(tcpPort);
    const refusedPort = String(refusedTcp.localPort);
    expect(await within(readToEnd(refusedTcp), 2000, 'closing connection 4')).toMatchObject({
      bytes: Buffer.alloc(0),
      error: undefined,
    });
    await expect(openWebSocket(`ws://127.0.0.1:${wsPort}/`)).rejects.toThrow(/socket hang up/);
    expect(refused).toEqual([
      expect.stringMatching(/^tcp 127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^ws 127\.0\.0\.1:\d+$/),
    ]);
    expect(refused[0]).toBe(`tcp 127.0.0.1:${refusedPort}`);
    expect(inbox.received).toBe(3);

    await expectTcpWorks(first, firstConnection);
    expect(limit.openConnections).toBe(2);
    await expectWebSocketWorks(second, secondConnection);
    expect(limit.openConnections).toBe(1);
    const again = await wsClient(wsPort);
    await expectWebSocketWorks(again, await inbox.next());
    await expectTcpWorks(third, thirdConnection);
    expect(refused).toHaveLength(2);
  });

  it('counts a WebSocket from its TCP accept, before its handshake', async () => {
    const refused: string[] = [];
    const limit = new ConnectionLimit({ maxConnections: 1, onRefused: (peer) => refused.push(peer) });
    const { tcpPort, wsPort } = await startListeners(limit);
    const handshaking = await tcpClient(wsPort);
    const refusedTcp = await tcpClient(tcpPort);
    await within(readToEnd(refusedTcp), 2000, 'closing connection 2');
    expect(refused).toEqual([expect.stringMatching(/^tcp /)]);
    expect(limit.openConnections).toBe(1);
    handshaking.destroy();
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new ConnectionLimit({ maxConnections: 0 })).toThrow(/maxConnections/);
    expect(() => new ConnectionLimit({ maxConnections: 1.5 })).toThrow(/maxConnections/);
  });
});
