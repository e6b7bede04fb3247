import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readFafReplay } from '@faf-replay/adapter-fs';
import { divergingStreams, fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';
import { waitForSavedFile } from './support/vault.js';
import { openTcp, openWebSocket, tcpReader, tcpWriter, wsReader, wsWriter } from './support/clients.js';

const example = fixture(fixtureFacts.example.file);
let apps: AppProcess[] = [];

async function startApp(dataDir = tempDataDir(), extra: string[] = []): Promise<AppProcess> {
  const app = await AppProcess.start([...testFlags(dataDir), ...extra]);
  apps.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

async function savedReplay(dataDir: string, gameId: bigint, timeoutMs?: number) {
  return readFafReplay(await waitForSavedFile(dataDir, gameId, timeoutMs));
}

function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect({ length: actual.length, firstDifference: firstDifference(actual, expected) }).toEqual({
    length: expected.length,
    firstDifference: -1,
  });
}

describe('standalone server, end to end', () => {
  it('relays one writer to a reader and saves the replay with a standalone JSON header', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    const writing = tcpWriter(app.ports.tcp, 2000, example, { chunkBytes: 1_000, pauseMs: 2 });
    await delay(100);
    const reader = tcpReader(app.ports.tcp, 2000);
    await writing;
    const received = await reader;
    expectBytes(received.bytes, example);
    expect(received.ending).toBe('end');
    const saved = await savedReplay(dataDir, 2000n);
    expectBytes(saved.replay, example);
    expect(saved.version).toBe(2);
    expect(saved.json).toMatchObject({
      uid: 2000,
      complete: true,
      state: 'PLAYING',
      mapname: 'scmp_016',
      num_players: 2,
      compression: 'zstd',
      version: 2,
      metadata_origin: 'scfa-header',
    });
    expect(
      Object.values(saved.json['teams'] as object)
        .flat()
        .sort(),
    ).toEqual(['MazorNoob', 'dragonite']);
  });

  it('merges six diverging writers over TCP and WebSocket for readers on both', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    const streams = divergingStreams();
    const winner = streams[fixtureFacts.diverging.winner] ?? Buffer.alloc(0);
    const winnerBody = winner.subarray(fixtureFacts.diverging.headerBytes);
    const writers = streams.map((stream, i) =>
      i % 2 === 0
        ? tcpWriter(app.ports.tcp, 3000, stream, { chunkBytes: 4_000, pauseMs: 20 })
        : wsWriter(app.ports.websocket, 3000, stream, { chunkBytes: 4_000, pauseMs: 20 }),
    );
    await delay(100);
    const readers = [tcpReader(app.ports.tcp, 3000), wsReader(app.ports.websocket, 3000)];
    await Promise.all(writers);
    for (const reader of await Promise.all(readers)) {
      expect(reader.bytes.length).toBe(fixtureFacts.diverging.headerBytes + winnerBody.length);
      expectBytes(reader.bytes.subarray(fixtureFacts.diverging.headerBytes), winnerBody);
    }
    const saved = await savedReplay(dataDir, 3000n);
    expectBytes(saved.replay.subarray(fixtureFacts.diverging.headerBytes), winnerBody);
  });

  it('saves a live replay on SIGTERM and exits 0', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    const writer = await tcpWriter(app.ports.tcp, 4000, example.subarray(0, 30_000), { end: false });
    await app.waitForLog((line) => line.msg === 'Replay 4000 started');
    await delay(300);
    expect(await app.stop('SIGTERM')).toBe(0);
    writer.destroy();
    const saved = await savedReplay(dataDir, 4000n, 1_000);
    expectBytes(saved.replay, example.subarray(0, 30_000));
    expect(app.logsMatching('Shutdown complete')).toHaveLength(1);
  });

  it('closes a reader of an unknown game with nothing sent', async () => {
    const app = await startApp();
    const received = await tcpReader(app.ports.tcp, 999);
    expect(received.bytes.length).toBe(0);
    expect(received.ending).toBe('end');
    expect(app.logsMatching('replay 999 is not running')).toHaveLength(1);
    expect(await app.metrics()).toContain(
      'replayserver_served_connections_total{result="No replay matched"} 1',
    );
  });

  it('closes each malformed connection with a logged reason and leaves a good game alone', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    const good = tcpWriter(app.ports.tcp, 5000, example, { chunkBytes: 2_000, pauseMs: 5 });
    const junkHeader = Buffer.alloc(1_100_000, 1);
    const bad = await Promise.all([
      tcpReader(app.ports.tcp, 0, 'X/5000/foo\0'),
      tcpReader(app.ports.tcp, 0, `G/5000/${'n'.repeat(1_100)}`),
      tcpReader(app.ports.tcp, 0, 'G/50x0/foo\0'),
      sendAndCollect(
        app.ports.tcp,
        Buffer.concat([Buffer.from('P/5001/foo\0'), scfaHeaderWithBlob(junkHeader)]),
      ),
      sendAndCollect(app.ports.tcp, Buffer.from('P/5000/foo\0Supreme Comm'), { end: true }),
      sendAndCollect(app.ports.tcp, Buffer.from('G/50'), { end: true }),
    ]);
    for (const result of bad) expect(result.bytes.length).toBe(0);
    await good;
    const saved = await savedReplay(dataDir, 5000n);
    expectBytes(saved.replay, example);
    await app.waitForLogCount('invalid replay header', 2);
    const refused = app.logsMatching('Could not accept connection');
    expect(refused.map((line) => line['reason'])).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Invalid connection type'),
        expect.stringContaining('Connection header is incomplete'),
        expect.stringContaining('Failed to parse replay ID'),
      ]),
    );
    expect(refused).toHaveLength(4);
    for (const line of [...refused, ...app.logsMatching('invalid replay header')])
      expect(line.level).toBe(30);
  });

  it('keeps the data of a WebSocket writer that closes with 1001, without reading the close as data', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    await wsWriter(app.ports.websocket, 6000, example.subarray(0, 20_000), { closeCode: 1001 });
    const saved = await savedReplay(dataDir, 6000n);
    expectBytes(saved.replay, example.subarray(0, 20_000));
    await app.waitForLog((line) => line.msg.includes('writer ended early'));
  });

  it('does not let a stuck WebSocket handshake block other clients', async () => {
    const app = await startApp();
    const stuck = await openTcp(app.ports.websocket);
    stuck.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const socket = await openWebSocket(app.ports.websocket);
    expect(socket.readyState).toBe(socket.OPEN);
    socket.close();
    stuck.destroy();
  });
});

/** A structurally valid SCFA header whose mods blob is `blob` (to exceed the 1 MiB cap). */
function scfaHeaderWithBlob(blob: Buffer): Buffer {
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  return Buffer.concat([
    Buffer.from('v\0\r\n\0map\0\r\n\x1a\0'),
    u32(blob.length),
    blob,
    u32(0),
    Buffer.alloc(3),
    u32(0),
  ]);
}

async function sendAndCollect(port: number, bytes: Buffer, options: { end?: boolean } = {}) {
  const socket = await openTcp(port);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  socket.write(bytes);
  if (options.end === true) socket.end();
  await new Promise((resolve) => socket.once('close', resolve));
  return { bytes: Buffer.concat(chunks) };
}
