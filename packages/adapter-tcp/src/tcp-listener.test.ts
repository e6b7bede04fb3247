import type { Socket } from 'node:net';
import { ConnectionError } from '@faf-replay/core';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListenError } from './listen-error.js';
import { TcpListener } from './tcp-listener.js';
import type { TcpListenerOptions } from './tcp-listener.js';
import {
  ConnectionInbox,
  collectIncoming,
  connectTcp,
  readToEnd,
  requireIpv6Loopback,
} from './testing/index.js';
import type { TransportConnection } from './transport-connection.js';

const example = fixture(fixtureFacts.example.file);

const listeners: TcpListener[] = [];
const clients: Socket[] = [];
let inbox: ConnectionInbox<TransportConnection>;

beforeEach(() => {
  inbox = new ConnectionInbox();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  inbox.destroyAll();
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

async function startListener(
  options: Partial<TcpListenerOptions> = {},
): Promise<{ listener: TcpListener; port: number }> {
  const listener = new TcpListener({ host: '127.0.0.1', port: 0, lingerMs: 0, ...options }, inbox.accept);
  listeners.push(listener);
  const { port } = await listener.listen();
  return { listener, port };
}

async function connect(port: number, host = '127.0.0.1'): Promise<Socket> {
  const client = await connectTcp(port, host);
  clients.push(client);
  return client;
}

/** Sends `bytes` one way and the example fixture back, then closes both ways cleanly. */
async function expectWorkingConnection(client: Socket, connection: TransportConnection): Promise<void> {
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

describe('TcpListener', () => {
  it('reports the port it actually listens on when asked for port 0', async () => {
    const { listener, port } = await startListener();
    expect(port).toBeGreaterThan(0);
    await connect(port);
    const connection = await inbox.next();
    expect(connection.peer).toMatch(/^tcp 127\.0\.0\.1:\d+$/);
    expect(listener.openConnections).toBe(1);
  });

  it('stops accepting on close() while an open connection keeps working', async () => {
    const { listener, port } = await startListener();
    const client = await connect(port);
    const connection = await inbox.next();
    await listener.close();
    await listener.close();
    await expect(connectTcp(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expectWorkingConnection(client, connection);
    expect(listener.openConnections).toBe(0);
  });

  it('listens on IPv4 and on IPv6', async () => {
    requireIpv6Loopback();
    const { port: v4Port } = await startListener({ host: '127.0.0.1' });
    const { port: v6Port } = await startListener({ host: '::1' });
    const v4Client = await connect(v4Port, '127.0.0.1');
    const v4Connection = await inbox.next();
    const v6Client = await connect(v6Port, '::1');
    const v6Connection = await inbox.next();
    expect(v4Connection.peer).toMatch(/^tcp 127\.0\.0\.1:\d+$/);
    expect(v6Connection.peer).toMatch(/^tcp \[::1\]:\d+$/);
    await expectWorkingConnection(v4Client, v4Connection);
    await expectWorkingConnection(v6Client, v6Connection);
  });

  it('accepts IPv4 and IPv6 clients on one port by default (dual stack)', async () => {
    requireIpv6Loopback();
    const listener = new TcpListener({ port: 0, lingerMs: 0 }, inbox.accept);
    listeners.push(listener);
    const { port } = await listener.listen();
    await connect(port, '127.0.0.1');
    const v4Connection = await inbox.next();
    await connect(port, '::1');
    const v6Connection = await inbox.next();
    expect(v4Connection.peer).toMatch(/^tcp 127\.0\.0\.1:\d+$/);
    expect(v6Connection.peer).toMatch(/^tcp \[::1\]:\d+$/);
  });

  it('reports a busy port as a ListenError', async () => {
    const { port } = await startListener();
    const second = new TcpListener({ host: '127.0.0.1', port }, inbox.accept);
    const failure = second.listen();
    await expect(failure).rejects.toBeInstanceOf(ListenError);
    await expect(failure).rejects.toMatchObject({ code: 'LISTEN_FAILED', cause: { code: 'EADDRINUSE' } });
  });

  it('destroys a connection whose onConnection threw, reports it, and keeps serving others', async () => {
    const errors: [Error, string][] = [];
    const thrown = new Error('bug in the core');
    let calls = 0;
    const listener = new TcpListener(
      { host: '127.0.0.1', port: 0, lingerMs: 0, onError: (error, context) => errors.push([error, context]) },
      (connection) => {
        calls++;
        if (calls === 1) throw thrown;
        inbox.accept(connection);
      },
    );
    listeners.push(listener);
    const { port } = await listener.listen();
    const failedClient = await connect(port);
    expect(await readToEnd(failedClient)).toMatchObject({ bytes: Buffer.alloc(0) });
    expect(errors).toEqual([[thrown, 'onConnection']]);
    const client = await connect(port);
    await expectWorkingConnection(client, await inbox.next());
  });

  it('keeps other connections working when one is reset', async () => {
    const { port } = await startListener();
    const resetClient = await connect(port);
    const resetConnection = await inbox.next();
    const client = await connect(port);
    const connection = await inbox.next();
    resetClient.resetAndDestroy();
    const { error } = await collectIncoming(resetConnection);
    expect(error).toBeInstanceOf(ConnectionError);
    await expectWorkingConnection(client, connection);
  });

  it('rejects options no timer can honour, naming the key', () => {
    expect(() => new TcpListener({ port: 0, lingerMs: -1 }, inbox.accept)).toThrow(/lingerMs/);
    expect(() => new TcpListener({ port: 0, keepAliveInitialDelayMs: Number.NaN }, inbox.accept)).toThrow(
      /keepAliveInitialDelayMs/,
    );
  });
});
