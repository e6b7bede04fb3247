import { afterEach, describe, expect, it } from 'vitest';
import { readFafReplay } from '@faf-replay/adapter-fs';
import {
  collectGame,
  connectLink,
  pacedStream,
  playGame,
  ReplayReader,
  ReplayWriter,
  tcpAddress,
  writeGame,
} from '@faf-replay/client';
import type { ConnectionEnding } from '@faf-replay/client';
import { divergingStreams, fixture, fixtureFacts, waitUntil } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';
import { waitForSavedFile } from './support/vault.js';

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

describe('standalone server, end to end', () => {
  it('relays one writer to a reader and saves the replay with a standalone JSON header', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    const writer = await ReplayWriter.connect(app.tcp, { gameId: 2000, stream: example, chunkBytes: 1_000 });
    writer.sendUpTo(20_000);
    await app.waitForLog((line) => line.msg === 'Replay 2000 started');
    const reader = collectGame(app.tcp, { gameId: 2000 });
    writer.sendAll();
    expect(await writer.closed).toEqual({ kind: 'end' });
    const received = await reader;
    expectSameBytes(received.bytes, example);
    expect(received.ending).toEqual({ kind: 'end' });
    const saved = await savedReplay(dataDir, 2000n);
    expectSameBytes(saved.replay, example);
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
    // Each writer plays its stream as its game did, at 50 times real time (the longest takes 1.4 s).
    const writers = streams.map((stream, i) =>
      playGame(i % 2 === 0 ? app.tcp : app.websocket, {
        gameId: 3000,
        replay: pacedStream(stream),
        speed: 50,
      }),
    );
    await app.waitForLog((line) => line.msg === 'Replay 3000 started');
    const readers = [collectGame(app.tcp, { gameId: 3000 }), collectGame(app.websocket, { gameId: 3000 })];
    expect(await Promise.all(writers)).toEqual(streams.map(() => ({ kind: 'end' })));
    for (const reader of await Promise.all(readers)) {
      expect(reader.ending).toEqual({ kind: 'end' });
      expect(reader.bytes.length).toBe(fixtureFacts.diverging.headerBytes + winnerBody.length);
      expectSameBytes(reader.bytes.subarray(fixtureFacts.diverging.headerBytes), winnerBody);
    }
    const saved = await savedReplay(dataDir, 3000n);
    expectSameBytes(saved.replay.subarray(fixtureFacts.diverging.headerBytes), winnerBody);
  });

  it('saves a live replay on SIGTERM and exits 0', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    const writer = await ReplayWriter.connect(app.tcp, { gameId: 4000, stream: example });
    writer.sendUpTo(30_000);
    await app.waitForLog((line) => line.msg === 'Replay 4000 started');
    // The server holds all 30,000 bytes once a reader got them (after the 1 s delay).
    const arrivals = new Set<() => void>();
    const reader = ReplayReader.open(app.tcp, {
      gameId: 4000,
      onChunk: () => arrivals.forEach((wake) => wake()),
    });
    await waitUntil(() => (reader.receivedBytes >= 30_000 ? true : undefined), {
      what: 'the first 30,000 bytes at a reader',
      timeoutMs: 10_000,
      wakeups: [
        (wake) => {
          arrivals.add(wake);
          return () => arrivals.delete(wake);
        },
      ],
    });
    expect(await app.stop('SIGTERM')).toBe(0);
    writer.abort();
    const saved = await savedReplay(dataDir, 4000n, 1_000);
    expectSameBytes(saved.replay, example.subarray(0, 30_000));
    expect(app.logsMatching('Shutdown complete')).toHaveLength(1);
  });

  it('closes a reader of an unknown game with nothing sent', async () => {
    const app = await startApp();
    const received = await collectGame(app.tcp, { gameId: 999 });
    expect(received.bytes.length).toBe(0);
    expect(received.ending).toEqual({ kind: 'end' });
    expect(app.logsMatching('replay 999 is not running')).toHaveLength(1);
    expect(await app.metrics()).toContain(
      'replayserver_served_connections_total{result="No replay matched"} 1',
    );
  });

  it('closes each malformed connection with a logged reason and leaves a good game alone', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    // The good game is live while the bad connections come: half of it before, the rest after.
    const good = await ReplayWriter.connect(app.tcp, { gameId: 5000, stream: example, chunkBytes: 2_000 });
    good.sendUpTo(20_000);
    const junkHeader = Buffer.alloc(1_100_000, 1);
    const bad = await Promise.all([
      sendAndCollect(app, Buffer.from('X/5000/foo\0')),
      sendAndCollect(app, Buffer.from(`G/5000/${'n'.repeat(1_100)}`)),
      sendAndCollect(app, Buffer.from('G/50x0/foo\0')),
      sendAndCollect(app, Buffer.concat([Buffer.from('P/5001/foo\0'), scfaHeaderWithBlob(junkHeader)])),
      sendAndCollect(app, Buffer.from('P/5000/foo\0Supreme Comm'), { end: true }),
      sendAndCollect(app, Buffer.from('G/50'), { end: true }),
    ]);
    for (const result of bad) expect(result.bytes.length).toBe(0);
    good.sendAll();
    expect(await good.closed).toEqual({ kind: 'end' });
    const saved = await savedReplay(dataDir, 5000n);
    expectSameBytes(saved.replay, example);
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
    const ending = await writeGame(app.websocket, {
      gameId: 6000,
      stream: example.subarray(0, 20_000),
      closeCode: 1001,
    });
    expect(ending).toEqual({ kind: 'end' });
    const saved = await savedReplay(dataDir, 6000n);
    expectSameBytes(saved.replay, example.subarray(0, 20_000));
    await app.waitForLog((line) => line.msg.includes('writer ended early'));
  });

  it('does not let a stuck WebSocket handshake block other clients', async () => {
    const app = await startApp();
    const stuck = await connectLink(tcpAddress(app.ports.websocket));
    stuck.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n'));
    const socket = await connectLink(app.websocket, {}, { connectTimeoutMs: 5_000 });
    socket.end();
    expect(await socket.closed).toEqual({ kind: 'end' });
    stuck.abort();
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

/** Raw bytes to the TCP port, as a broken or hostile client sends them; what comes back until close. */
async function sendAndCollect(
  app: AppProcess,
  bytes: Buffer,
  options: { end?: boolean } = {},
): Promise<{ bytes: Buffer; ending: ConnectionEnding }> {
  const chunks: Buffer[] = [];
  const link = await connectLink(app.tcp, { onData: (chunk) => void chunks.push(chunk) });
  link.write(bytes);
  if (options.end === true) link.end();
  const ending = await link.closed;
  return { bytes: Buffer.concat(chunks), ending };
}
