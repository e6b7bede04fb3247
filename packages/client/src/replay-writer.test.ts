import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientError } from './client-error.js';
import { pacedStream, playGame, writeGame } from './play-game.js';
import { ReplayWriter } from './replay-writer.js';
import { tcpAddress } from './server-address.js';
import { ScriptedServer } from './testing/scripted-server.js';

const example = fixture(fixtureFacts.example.file);
const servers: ScriptedServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(transport: 'tcp' | 'websocket', ...args: Parameters<typeof ScriptedServer.tcp>) {
  const server =
    transport === 'tcp' ? await ScriptedServer.tcp(...args) : await ScriptedServer.websocket(...args);
  servers.push(server);
  return server;
}

async function closedPort(): Promise<number> {
  const server = await ScriptedServer.tcp();
  await server.close();
  return server.address.port;
}

function connection(server: ScriptedServer, index = 0) {
  const side = server.connections[index];
  if (side === undefined) throw new Error(`no connection ${index}`);
  return side;
}

describe.each(['tcp', 'websocket'] as const)('ReplayWriter over %s', (transport) => {
  it('sends the connection header, then the whole stream in chunks, and ends cleanly', async () => {
    const server = await serve(transport);
    const writes: number[] = [];
    const ending = await writeGame(server.address, {
      gameId: 7n,
      name: 'w.SCFAreplay',
      stream: example,
      chunkBytes: 4_000,
      onBytes: (bytes) => writes.push(bytes),
    });
    expect(ending).toEqual({ kind: 'end' });
    const { bytes } = await connection(server).done;
    const header = 'P/7/w.SCFAreplay\0';
    expect(bytes.subarray(0, header.length).toString()).toBe(header);
    expect(firstDifference(bytes.subarray(header.length), example)).toBe(-1);
    expect(Math.max(...writes)).toBe(4_000);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(example.length);
  });

  it('sends up to the offset made due, and the rest later', async () => {
    const server = await serve(transport);
    const writer = await ReplayWriter.connect(server.address, { gameId: 8, stream: example });
    writer.sendUpTo(10_000);
    expect(await writer.flushed()).toBe(true);
    await connection(server).receivedAtLeast('P/8/writer.SCFAreplay\0'.length + 10_000);
    expect(writer.ending).toBeUndefined();
    writer.sendAll();
    expect(await writer.closed).toEqual({ kind: 'end' });
    expect(firstDifference((await connection(server).done).bytes.subarray(22), example)).toBe(-1);
  });

  it('is aborted, not ended, when cut before its last byte', async () => {
    const server = await serve(transport);
    const writer = await ReplayWriter.connect(server.address, { gameId: 9, stream: example });
    writer.sendUpTo(100);
    await connection(server).receivedAtLeast(100);
    writer.abort();
    expect(await writer.closed).toEqual({ kind: 'aborted' });
    expect(await writer.flushed()).toBe(true);
    writer.sendAll();
    expect(writer.sentBytes).toBe(100);
  });

  it('fails when the server breaks the connection', async () => {
    const server = await serve(transport, (side) => void side.receivedAtLeast(1_000).then(() => side.fail()));
    const writer = await ReplayWriter.connect(server.address, { gameId: 10, stream: example });
    writer.sendUpTo(2_000);
    const ending = await writer.closed;
    expect(ending).toMatchObject({ kind: 'failed' });
    expect(ending.kind === 'failed' && ending.reason).toBe(
      transport === 'tcp' ? 'the connection was reset' : 'the server closed the WebSocket with code 1011',
    );
    writer.sendAll();
    expect(await writer.flushed()).toBe(false);
  });
});

describe('ReplayWriter', () => {
  it('holds back what the connection cannot take, and sends it on drain', async () => {
    // More than the kernel's socket buffers hold while the server reads nothing.
    const big = Buffer.alloc(16 * 1024 * 1024, 7);
    const server = await serve('tcp', (side) => side.pause());
    const writer = await ReplayWriter.connect(server.address, { gameId: 11, stream: big });
    writer.sendAll();
    expect(writer.behindBytes).toBeGreaterThan(0);
    expect(writer.sentBytes + writer.behindBytes).toBe(big.length);
    connection(server).resume();
    expect(await writer.closed).toEqual({ kind: 'end' });
    expect(writer.behindBytes).toBe(0);
    expect((await connection(server).done).bytes.length).toBe('P/11/writer.SCFAreplay\0'.length + big.length);
  });

  it('says why it cannot connect', async () => {
    const port = await closedPort();
    const error = await ReplayWriter.connect(tcpAddress(port), { gameId: 1, stream: example }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({
      code: 'SERVER_UNREACHABLE',
      message: `cannot connect to 127.0.0.1:${port}: connection refused (is the server running, on this port?)`,
    });
    const opened = ReplayWriter.open(tcpAddress(port), { gameId: 1, stream: example });
    expect(await opened.closed).toMatchObject({ kind: 'failed', code: 'ECONNREFUSED' });
  });

  it('closes a WebSocket with the code it is given', async () => {
    const server = await serve('websocket');
    const ending = await writeGame(server.address, {
      gameId: 12,
      stream: example.subarray(0, 5_000),
      closeCode: 1001,
    });
    expect(ending).toEqual({ kind: 'end' });
    expect((await connection(server).done).closeCode).toBe(1001);
  });

  it('plays a recorded stream: the header first, then the body, then a clean end', async () => {
    const server = await serve('tcp');
    let headerSentAt = -1;
    const ending = await playGame(server.address, {
      gameId: 13,
      replay: pacedStream(example),
      speed: Infinity,
      onBytes: () => undefined,
      onHeaderSent: () => (headerSentAt = connection(server).received().length),
    });
    expect(ending).toEqual({ kind: 'end' });
    expect(headerSentAt).toBeLessThan(fixtureFacts.example.headerBytes + 23);
    expect(firstDifference((await connection(server).done).bytes.subarray(23), example)).toBe(-1);
  });

  it('refuses to play a stream without a replay header', () => {
    expect(() => pacedStream(Buffer.from('garbage'))).toThrow(ClientError);
  });
});
