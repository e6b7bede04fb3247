import { once } from 'node:events';
import { get } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientOptions, WebSocket } from 'ws';
import {
  ConnectionInbox,
  connectTcp,
  openWebSocket,
  receiveMessages,
  requireIpv6Loopback,
} from './testing/index.js';
import type { TransportConnection } from './transport-connection.js';
import { WebSocketListener } from './websocket-listener.js';
import type { WebSocketListenerOptions } from './websocket-listener.js';

const example = fixture(fixtureFacts.example.file);

const listeners: WebSocketListener[] = [];
const clients: (WebSocket | Socket)[] = [];
let inbox: ConnectionInbox<TransportConnection>;

beforeEach(() => {
  inbox = new ConnectionInbox();
});

afterEach(async () => {
  for (const client of clients.splice(0)) {
    if ('terminate' in client) client.terminate();
    else client.destroy();
  }
  inbox.destroyAll();
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

async function startListener(options: Partial<WebSocketListenerOptions> = {}): Promise<{
  listener: WebSocketListener;
  port: number;
}> {
  const listener = new WebSocketListener(
    { host: '127.0.0.1', port: 0, lingerMs: 0, ...options },
    inbox.accept,
  );
  listeners.push(listener);
  const { port } = await listener.listen();
  return { listener, port };
}

async function open(url: string, options?: ClientOptions): Promise<WebSocket> {
  const client = await openWebSocket(url, options);
  clients.push(client);
  return client;
}

async function connectRaw(port: number): Promise<Socket> {
  const socket = await connectTcp(port);
  clients.push(socket);
  return socket;
}

/** Header one way, the example fixture back as binary messages, then a clean close both ways. */
async function expectWorkingConnection(client: WebSocket, connection: TransportConnection): Promise<void> {
  const receiving = receiveMessages(client);
  const incoming = connection.incoming[Symbol.asyncIterator]();
  client.send('G/1/a.SCFAreplay\0');
  expect(await incoming.next()).toEqual({ done: false, value: Buffer.from('G/1/a.SCFAreplay\0') });
  await connection.write(example);
  await connection.end();
  expect(await incoming.next()).toEqual({ done: true, value: undefined });
  const { messages, closeCode } = await receiving;
  expect(closeCode).toBe(1000);
  expect(firstDifference(Buffer.concat(messages), example)).toBe(-1);
}

describe('WebSocketListener', () => {
  it('accepts any path and reports the actual port', async () => {
    const { listener, port } = await startListener();
    const client = await open(`ws://127.0.0.1:${port}/12345/Some%20Player.SCFAreplay?token=1-abc`);
    const connection = await inbox.next();
    expect(connection.peer).toMatch(/^ws 127\.0\.0\.1:\d+$/);
    expect(listener.openConnections).toBe(1);
    await expectWorkingConnection(client, connection);
    expect(listener.openConnections).toBe(0);
  });

  it('answers a plain HTTP request with 426 Upgrade Required', async () => {
    const { port } = await startListener();
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/' }, resolve).once('error', reject);
    });
    response.resume();
    expect(response.statusCode).toBe(426);
    expect(response.headers.upgrade).toBe('websocket');
  });

  it('runs handshakes concurrently: stuck clients neither delay others nor stay past the timeout', async () => {
    const handshakeTimeoutMs = 1000;
    const errors: [Error, string][] = [];
    const { port } = await startListener({
      handshakeTimeoutMs,
      onError: (error, context) => errors.push([error, context]),
    });
    const silent = await connectRaw(port);
    const partial = await connectRaw(port);
    partial.write('GET /1/x.SCFAreplay HTTP/1.1\r\nHost: replay\r\nUpgrade: websocket\r\n');
    const stuckClosed = Promise.all([once(silent, 'close'), once(partial, 'close')]);
    const stuckAt = performance.now();

    const client = await open(`ws://127.0.0.1:${port}/1/x.SCFAreplay`);
    expect(silent.closed || partial.closed).toBe(false);
    await expectWorkingConnection(client, await inbox.next());

    await stuckClosed;
    expect(performance.now() - stuckAt).toBeGreaterThanOrEqual(handshakeTimeoutMs - 20);
    expect(errors.map(([, context]) => context)).toEqual(['handshake', 'handshake']);
    expect(String(errors[0]?.[0])).toMatch(/handshake not completed within 1000 ms/);
  });

  it('stops accepting on close() and drops pending handshakes, while an open connection keeps working', async () => {
    const { listener, port } = await startListener();
    const client = await open(`ws://127.0.0.1:${port}/`);
    const connection = await inbox.next();
    const pending = await connectRaw(port);
    const pendingClosed = once(pending, 'close');
    await listener.close();
    await pendingClosed;
    await expect(openWebSocket(`ws://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expectWorkingConnection(client, connection);
  });

  it('listens on IPv4 and on IPv6', async () => {
    requireIpv6Loopback();
    const { port: v4Port } = await startListener({ host: '127.0.0.1' });
    const { port: v6Port } = await startListener({ host: '::1' });
    const v4Client = await open(`ws://127.0.0.1:${v4Port}/`);
    const v4Connection = await inbox.next();
    const v6Client = await open(`ws://[::1]:${v6Port}/`);
    const v6Connection = await inbox.next();
    expect(v4Connection.peer).toMatch(/^ws 127\.0\.0\.1:\d+$/);
    expect(v6Connection.peer).toMatch(/^ws \[::1\]:\d+$/);
    await expectWorkingConnection(v4Client, v4Connection);
    await expectWorkingConnection(v6Client, v6Connection);
  });

  it('accepts IPv4 and IPv6 clients on one port by default (dual stack)', async () => {
    requireIpv6Loopback();
    const listener = new WebSocketListener({ port: 0, lingerMs: 0 }, inbox.accept);
    listeners.push(listener);
    const { port } = await listener.listen();
    await open(`ws://127.0.0.1:${port}/`);
    expect((await inbox.next()).peer).toMatch(/^ws 127\.0\.0\.1:\d+$/);
    await open(`ws://[::1]:${port}/`);
    expect((await inbox.next()).peer).toMatch(/^ws \[::1\]:\d+$/);
  });

  it('refuses an Origin outside allowedOrigins with 403, and takes listed origins and clients without one', async () => {
    const errors: [Error, string][] = [];
    const { port } = await startListener({
      allowedOrigins: ['https://www.faforever.com', 'http://localhost:8080'],
      onError: (error, context) => errors.push([error, context]),
    });
    const url = `ws://127.0.0.1:${port}/1/a.SCFAreplay`;
    await expect(openWebSocket(url, { origin: 'https://evil.example' })).rejects.toThrow(
      'Unexpected server response: 403',
    );
    await expect(openWebSocket(url, { origin: 'null' })).rejects.toThrow('Unexpected server response: 403');
    expect(errors.map(([error, context]) => [error.message, context])).toEqual([
      [expect.stringMatching(/origin "https:\/\/evil\.example" is not allowed$/), 'handshake'],
      [expect.stringMatching(/origin "null" is not allowed$/), 'handshake'],
    ]);
    expect(inbox.received).toBe(0);

    await expectWorkingConnection(await open(url), await inbox.next());
    await expectWorkingConnection(
      await open(url, { origin: 'https://www.faforever.com' }),
      await inbox.next(),
    );
    await expectWorkingConnection(await open(url, { origin: 'HTTP://LOCALHOST:8080' }), await inbox.next());
    expect(errors).toHaveLength(2);
  });

  it('sets readFrom from ?offset=N in the upgrade URL, and leaves it unset without one', async () => {
    const { port } = await startListener();
    const resuming = await open(`ws://127.0.0.1:${port}/8468507/Reader.SCFAreplay?offset=123`);
    const resumed = await inbox.next();
    expect(resumed.readFrom).toBe(123);
    await open(`ws://127.0.0.1:${port}/8468507/Reader.SCFAreplay?token=1-abc&offset=0`);
    expect((await inbox.next()).readFrom).toBe(0);
    await open(`ws://127.0.0.1:${port}/8468507/Reader.SCFAreplay?token=1-abc`);
    expect((await inbox.next()).readFrom).toBeUndefined();
    await expectWorkingConnection(resuming, resumed);
  });

  it('refuses a malformed offset with 400 and the reason, logged as a handshake error', async () => {
    const errors: [Error, string][] = [];
    const { port } = await startListener({ onError: (error, context) => errors.push([error, context]) });
    const url = (query: string): string => `ws://127.0.0.1:${port}/8468507/Reader.SCFAreplay?${query}`;
    for (const query of ['offset=abc', 'offset=-1', 'offset=1.5', 'offset=', 'offset=9007199254740993']) {
      await expect(openWebSocket(url(query))).rejects.toThrow('Unexpected server response: 400');
    }
    await expect(openWebSocket(url('offset=1&offset=2'))).rejects.toThrow('Unexpected server response: 400');
    const refusal = await upgradeRefusal(port, '/8468507/Reader.SCFAreplay?offset=12abc');
    expect(refusal).toEqual({
      status: 400,
      body: 'offset must be a whole number of bytes from 0 to 9007199254740991, got "12abc"\n',
    });
    const peerPrefix = /^ws 127\.0\.0\.1:\d+: /;
    expect(errors.map(([error, context]) => [peerPrefix.test(error.message), context])).toEqual(
      Array.from({ length: 7 }, () => [true, 'handshake']),
    );
    const badNumber = 'offset must be a whole number of bytes from 0 to 9007199254740991, got';
    expect(errors.map(([error]) => error.message.replace(peerPrefix, ''))).toEqual([
      ...['"abc"', '"-1"', '"1.5"', '""', '"9007199254740993"'].map((quoted) => `${badNumber} ${quoted}`),
      'offset is given 2 times',
      `${badNumber} "12abc"`,
    ]);
    expect(inbox.received).toBe(0);
  });

  it('refuses a handshake that authorize turns down with 403, and takes the ones it allows', async () => {
    const errors: string[] = [];
    const seen: string[] = [];
    const { port } = await startListener({
      authorize: ({ url, headers }) => {
        seen.push(`${url} ${headers.authorization ?? '-'}`);
        return url.includes('verify=good') || headers.authorization === 'Bearer good';
      },
      onError: (error) => errors.push(error.message),
    });
    await expect(openWebSocket(`ws://127.0.0.1:${port}/?verify=bad`)).rejects.toThrow(
      'Unexpected server response: 403',
    );
    expect(errors).toEqual([expect.stringMatching(/not authorized \(no valid access token\)$/)]);
    expect(inbox.received).toBe(0);
    await expectWorkingConnection(await open(`ws://127.0.0.1:${port}/?verify=good`), await inbox.next());
    const bearer = await open(`ws://127.0.0.1:${port}/`, { headers: { authorization: 'Bearer good' } });
    await expectWorkingConnection(bearer, await inbox.next());
    expect(seen).toEqual(['/?verify=bad -', '/?verify=good -', '/ Bearer good']);
  });

  it('takes every Origin when no allow-list is set', async () => {
    const { port } = await startListener();
    const client = await open(`ws://127.0.0.1:${port}/`, { origin: 'https://anywhere.example' });
    await expectWorkingConnection(client, await inbox.next());
  });

  it('rejects options no timer can honour, naming the key', () => {
    expect(() => new WebSocketListener({ port: 0, handshakeTimeoutMs: -5 }, inbox.accept)).toThrow(
      /handshakeTimeoutMs/,
    );
    expect(() => new WebSocketListener({ port: 0, maxMessageBytes: 0 }, inbox.accept)).toThrow(
      /maxMessageBytes/,
    );
  });
});

/** Sends a WebSocket upgrade that the server refuses; resolves with the status and body it answered. */
async function upgradeRefusal(
  port: number,
  path: string,
): Promise<{ status: number | undefined; body: string }> {
  const headers = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
  };
  const request = get({ host: '127.0.0.1', port, path, headers, agent: false });
  const upgraded = once(request, 'upgrade').then(() => {
    throw new Error('the upgrade was accepted');
  });
  const [response] = (await Promise.race([once(request, 'response'), upgraded])) as [IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return { status: response.statusCode, body: Buffer.concat(chunks).toString() };
}
