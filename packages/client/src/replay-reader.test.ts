import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientError } from './client-error.js';
import { collectGame, readGame } from './read-game.js';
import { ReplayReader } from './replay-reader.js';
import { tcpAddress, websocketAddress } from './server-address.js';
import { ScriptedServer } from './testing/scripted-server.js';
import type { ServerSide } from './testing/scripted-server.js';

const example = fixture(fixtureFacts.example.file);
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(transport: 'tcp' | 'websocket', onConnection: (side: ServerSide) => void) {
  const server =
    transport === 'tcp'
      ? await ScriptedServer.tcp(onConnection)
      : await ScriptedServer.websocket(onConnection);
  closers.push(() => server.close());
  return server;
}

/** Once the reader's header arrives, the stream in chunks of 5,000 bytes, then a clean end. */
function streaming(bytes: Uint8Array): (side: ServerSide) => void {
  return (side) =>
    void side.receivedAtLeast(1).then(() => {
      for (let at = 0; at < bytes.length; at += 5_000) side.send(bytes.subarray(at, at + 5_000));
      side.end();
    });
}

describe.each(['tcp', 'websocket'] as const)('reading over %s', (transport) => {
  it('sends G/<id>/<name>, collects the stream to the clean end, and reports progress', async () => {
    const server = await serve(transport, streaming(example));
    const progress: { bytes: number; ticks: number; gameTimeS: number }[] = [];
    const result = await collectGame(server.address, {
      gameId: 9000n,
      name: 'r.SCFAreplay',
      onProgress: ({ bytes, ticks, gameTimeS }) => progress.push({ bytes, ticks, gameTimeS }),
    });
    expect(result.ending).toEqual({ kind: 'end' });
    expect(firstDifference(result.bytes, example)).toBe(-1);
    expect(server.connections[0]?.received().toString()).toBe('G/9000/r.SCFAreplay\0');
    expect(progress.at(-1)).toEqual({ bytes: example.length, ticks: 1_928, gameTimeS: 192.8 });
    expect(progress.every((step, i) => i === 0 || step.ticks >= (progress[i - 1]?.ticks ?? 0))).toBe(true);
    expect(result.summary).toMatchObject({
      headerBytes: fixtureFacts.example.headerBytes,
      body: { status: 'ok' },
    });
  });

  it('hands over one chunk at a time, waiting for a slow consumer', async () => {
    const server = await serve(transport, streaming(example));
    let busy = false;
    let overlapped = false;
    let received = 0;
    const result = await readGame(server.address, {
      gameId: 1,
      onChunk: async (chunk) => {
        overlapped ||= busy;
        busy = true;
        await new Promise<void>((resolve) => setImmediate(resolve));
        received += chunk.length;
        busy = false;
      },
    });
    expect([result.ending, received, overlapped]).toEqual([{ kind: 'end' }, example.length, false]);
  });

  it('ends with the error when the server breaks the connection', async () => {
    const server = await serve(
      transport,
      (side) =>
        void side.receivedAtLeast(1).then(() => {
          side.send(example.subarray(0, 3_000));
          side.fail();
        }),
    );
    const result = await collectGame(server.address, { gameId: 2 });
    expect(result.ending).toMatchObject({
      kind: 'failed',
      reason:
        transport === 'tcp' ? 'the connection was reset' : 'the server closed the WebSocket with code 1011',
    });
    expect(result.bytes.length).toBe(3_000);
  });

  it('stops at once on an abort, keeping what came', async () => {
    const stop = new AbortController();
    const server = await serve(
      transport,
      (side) => void side.receivedAtLeast(1).then(() => side.send(example.subarray(0, 3_000))),
    );
    const result = await collectGame(server.address, {
      gameId: 3,
      signal: stop.signal,
      onChunk: () => stop.abort(),
    });
    expect(result.ending).toEqual({ kind: 'aborted' });
    expect(result.receivedBytes).toBeGreaterThan(0);
  });
});

describe('readGame', () => {
  it('asks again while the server sends nothing, until it does', async () => {
    const server = await serve('tcp', (side) => {
      if (server.connections.length < 3) void side.receivedAtLeast(1).then(() => side.end());
      else streaming(example)(side);
    });
    let retries = 0;
    const result = await readGame(server.address, {
      gameId: 4,
      retryUntilMs: performance.now() + 10_000,
      retryIntervalMs: 10,
      onRetry: () => retries++,
    });
    expect([result.ending, result.receivedBytes, retries, server.connections.length]).toEqual([
      { kind: 'end' },
      example.length,
      2,
      3,
    ]);
  });

  it('asks once by default, and throws when the server cannot be reached', async () => {
    const server = await serve('tcp', (side) => void side.receivedAtLeast(1).then(() => side.end()));
    expect(await readGame(server.address, { gameId: 5 })).toEqual({
      ending: { kind: 'end' },
      receivedBytes: 0,
      summary: null,
    });
    await server.close();
    await expect(readGame(server.address, { gameId: 5 })).rejects.toMatchObject({
      name: 'ClientError',
      code: 'SERVER_UNREACHABLE',
    });
  });

  it('waits for a server that is not up yet when told to', async () => {
    const probe = await ScriptedServer.tcp();
    const { port } = probe.address;
    await probe.close();
    let retried!: () => void;
    const firstRetry = new Promise<void>((resolve) => (retried = resolve));
    const reading = readGame(tcpAddress(port), {
      gameId: 6,
      retryUntilMs: performance.now() + 10_000,
      retryIntervalMs: 10,
      retryUnreachable: true,
      onRetry: () => retried(),
    });
    await firstRetry;
    const late = createServer((socket: Socket) => socket.once('data', () => socket.end(example)));
    await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => late.close(() => resolve())));
    expect((await reading).receivedBytes).toBe(example.length);
    expect((late.address() as AddressInfo).port).toBe(port);
  });
});

describe('ReplayReader', () => {
  it('asks a WebSocket server for a byte offset in the URL', async () => {
    const server = await serve('websocket', (side) => side.end());
    await readGame(server.address, { gameId: 7, offset: 4_096 });
    expect(server.connections[0]?.url).toBe('/?offset=4096');
  });

  it('refuses a byte offset over TCP, which cannot carry one', () => {
    expect(() => ReplayReader.open(tcpAddress(1), { gameId: 7, offset: 1 })).toThrow(ClientError);
  });

  it('gives up connecting after the timeout, saying so', async () => {
    const silent = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => silent.close(() => resolve())));
    const address = websocketAddress((silent.address() as AddressInfo).port);
    const error = await ReplayReader.connect(address, { gameId: 8, connectTimeoutMs: 200 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'SERVER_UNREACHABLE',
      message: `cannot connect to ws://127.0.0.1:${address.port}: no answer within 0.2 s`,
    });
  });
});
