import { afterEach, describe, expect, it } from 'vitest';
import { readFafReplay } from '@faf-replay/adapter-fs';
import { ClientError, collectGame, ReplayReader, ReplayWriter } from '@faf-replay/client';
import { fixture, fixtureFacts, waitUntil } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';
import { waitForSavedFile } from './support/vault.js';

const example = fixture(fixtureFacts.example.file);
let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

async function startApp(dataDir = tempDataDir()): Promise<AppProcess> {
  const app = await AppProcess.start(testFlags(dataDir));
  apps.push(app);
  return app;
}

/**
 * A WebSocket reader of game `gameId` that drops its connection once it holds `cutAt` bytes, as
 * a watcher on a flaky network would; resolves with those `cutAt` bytes.
 */
async function readThenDrop(app: AppProcess, gameId: number, cutAt: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let receivedBytes = 0;
  const arrivals = new Set<() => void>();
  const reader = ReplayReader.open(app.websocket, {
    gameId,
    onChunk: (chunk) => {
      chunks.push(chunk);
      receivedBytes += chunk.length;
      if (receivedBytes >= cutAt) reader.abort();
      for (const wake of arrivals) wake();
    },
  });
  await waitUntil(() => (receivedBytes >= cutAt ? true : undefined), {
    what: `the first ${cutAt} bytes at a reader`,
    timeoutMs: 10_000,
    wakeups: [
      (wake) => {
        arrivals.add(wake);
        return () => arrivals.delete(wake);
      },
    ],
  });
  expect(await reader.closed).toEqual({ kind: 'aborted' });
  return Buffer.concat(chunks).subarray(0, cutAt);
}

describe('readers resume on the WebSocket port', () => {
  it('gives a reader that reconnects with ?offset=N the rest of the stream: both parts make the replay', async () => {
    const dataDir = tempDataDir();
    const app = await startApp(dataDir);
    const gameId = 6000;
    const writer = await ReplayWriter.connect(app.tcp, { gameId, stream: example, chunkBytes: 1_000 });
    writer.sendUpTo(30_000);
    await app.waitForLog((line) => line.msg === `Replay ${gameId} started`);

    // Cut in the body, off any chunk boundary; once more inside the SCFA header.
    const inBody = await readThenDrop(app, gameId, 12_345);
    const inHeader = await readThenDrop(app, gameId, 100);
    expect(fixtureFacts.example.headerBytes).toBeGreaterThan(100);
    const resumedInBody = collectGame(app.websocket, { gameId, offset: inBody.length });
    const resumedInHeader = collectGame(app.websocket, { gameId, offset: inHeader.length });
    // Past the 30,000 bytes sent so far: this reader waits for them (the delay keeps the next
    // bytes out of reach for a second after they arrive, long after it is attached).
    const aheadChunks: Buffer[] = [];
    const ahead = await ReplayReader.connect(app.websocket, {
      gameId,
      offset: 40_000,
      onChunk: (chunk) => void aheadChunks.push(chunk),
    });
    writer.sendAll();
    expect(await writer.closed).toEqual({ kind: 'end' });

    for (const [firstPart, resumed] of [
      [inBody, await resumedInBody],
      [inHeader, await resumedInHeader],
    ] as const) {
      expect(resumed.ending).toEqual({ kind: 'end' });
      expectSameBytes(Buffer.concat([firstPart, resumed.bytes]), example);
    }
    expect(await ahead.closed).toEqual({ kind: 'end' });
    expectSameBytes(Buffer.concat(aheadChunks), example.subarray(40_000));
    const saved = await readFafReplay(await waitForSavedFile(dataDir, BigInt(gameId)));
    expectSameBytes(saved.replay, example);
  });

  it('refuses a reader whose offset is not a byte offset, and logs why', async () => {
    const app = await startApp();
    const connecting = ReplayReader.connect(app.websocket, { gameId: 6001, offset: -1 });
    await expect(connecting).rejects.toBeInstanceOf(ClientError);
    await expect(connecting).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE' });
    const logged = await app.waitForLog((line) => line.msg.startsWith('WebSocket handshake failed'));
    expect(logged.msg).toMatch(
      /^WebSocket handshake failed: ws 127\.0\.0\.1:\d+: offset must be a whole number of bytes from 0 to 9007199254740991, got "-1"$/,
    );
  });
});
