import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { GameId, ReplayLog, ReplayLogStore } from '@faf-replay/core';
import { CoreHarness, concatBytes } from '@faf-replay/core/testing';
import type { PipeConnection } from '@faf-replay/core/testing';
import { divergingStreams, fixture, fixtureFacts } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../testing/index.js';
import type { FileReplayLogStore } from './file-replay-log-store.js';
import { LOG_FILE_NAME } from './live-log-file.js';
import { gameOfDeadOwner, killed, liveLogSandbox } from './live-log.test-support.js';

const seconds = (s: number): number => s * 1_000;
const { headerBytes } = fixtureFacts.diverging;

/** Sends each writer's stream in `chunkBytes` chunks, one per writer every `everyMs`, while `keepGoing`. */
async function sendPaced(
  harness: CoreHarness,
  writers: readonly PipeConnection[],
  streams: readonly Uint8Array[],
  pace: { readonly chunkBytes: number; readonly everyMs: number; readonly untilMs: number },
  eachSecond: () => Promise<void>,
): Promise<number[]> {
  const sent = streams.map(() => 0);
  for (let elapsedMs = 0; elapsedMs < pace.untilMs; elapsedMs += pace.everyMs) {
    streams.forEach((stream, i) => {
      const chunk = stream.subarray(sent[i], (sent[i] ?? 0) + pace.chunkBytes);
      if (chunk.length > 0) writers[i]?.client.send(chunk);
      sent[i] = (sent[i] ?? 0) + chunk.length;
    });
    await harness.clock.advance(pace.everyMs);
    if ((elapsedMs + pace.everyMs) % 1_000 === 0) await eachSecond();
  }
  return sent;
}

/** The store, with each log's file size taken when the game is removed (its final size). */
function measured(
  store: FileReplayLogStore,
  livePath: string,
): { store: ReplayLogStore; sizes: Map<GameId, number> } {
  const sizes = new Map<GameId, number>();
  const sizeOf = async (gameId: GameId): Promise<number> =>
    (await stat(join(livePath, String(gameId), LOG_FILE_NAME))).size;
  return {
    sizes,
    store: {
      open(gameId, options): ReplayLog {
        const log = store.open(gameId, options);
        return {
          gameId,
          canonical: log.canonical,
          journal: (entry) => {
            log.journal(entry);
          },
          sync: () => log.sync(),
          close: () => log.close(),
          remove: async () => {
            await log.sync();
            sizes.set(gameId, await sizeOf(gameId));
            await log.remove();
          },
        };
      },
      recover: (options) => store.recover(options),
    },
  };
}

/**
 * Plays a game as players send it: every writer sends its header, then its body tick by tick
 * (one tick's share every 100 ms), and leaves at its end; the store is flushed each second, as
 * its tick does. Returns the disk bytes written per byte the writers sent.
 */
async function diskBytesPerIngestedByte(
  sandbox: Awaited<ReturnType<typeof liveLogSandbox>>,
  gameId: GameId,
  streams: readonly Uint8Array[],
  game: { readonly headerBytes: number; readonly ticks: number },
): Promise<number> {
  const store = sandbox.store();
  const { store: logStore, sizes } = measured(store, sandbox.livePath);
  const harness = new CoreHarness({ settings: { delayMs: seconds(5), graceMs: seconds(5) }, logStore });
  const writers = streams.map(() => harness.connect(`P/${gameId}/foo\0`));
  streams.forEach((stream, i) => writers[i]?.client.send(stream.subarray(0, game.headerBytes)));
  const bodies = streams.map((stream) => stream.subarray(game.headerBytes));
  const chunkBytes = Math.ceil(Math.max(...bodies.map((body) => body.length)) / game.ticks);
  await sendPaced(harness, writers, bodies, { chunkBytes, everyMs: 100, untilMs: game.ticks * 100 }, () =>
    store.flush(),
  );
  for (const writer of writers) writer.client.close();
  await harness.clock.advance(seconds(11));
  // The save reads the log's file: real I/O, which the manual clock does not wait for.
  await until(() => Promise.resolve(sizes.has(gameId)), 'the game saved and its log removed');
  expect(harness.archive.replays.has(gameId)).toBe(true);
  const diskBytes = sizes.get(gameId) ?? Number.NaN;
  return diskBytes / streams.reduce((sum, stream) => sum + stream.length, 0);
}

describe('FileReplayLogStore under the replay service', () => {
  let sandbox: Awaited<ReturnType<typeof liveLogSandbox>>;
  beforeEach(async () => {
    sandbox = await liveLogSandbox();
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  const settings = { delayMs: seconds(5), graceMs: seconds(5) };

  /** A new process on the same live path: it recovers the game, which is saved after the grace period. */
  async function restartAndSave(gameId: GameId, harnessSettings = settings): Promise<Uint8Array> {
    const restarted = new CoreHarness({ settings: harnessSettings, logStore: sandbox.store() });
    expect(await restarted.service.start()).toEqual({ recoveredGames: 1 });
    return savedAfterRecovery(restarted, gameId);
  }

  /** Waits until `restarted` restored the game it took over, then lets it save the game; returns its body. */
  async function savedAfterRecovery(restarted: CoreHarness, gameId: GameId): Promise<Uint8Array> {
    // The journal is read from the file (real I/O) before the game waits out its grace period on the clock.
    const restored = (): Promise<boolean> =>
      Promise.resolve(restarted.logger.find(`Replay ${gameId} recovered from its log`).length > 0);
    await until(restored, `replay ${gameId} restored`);
    await restarted.clock.advance(seconds(11));
    // The save reads the log's file: real I/O, which the manual clock does not wait for.
    await until(() => Promise.resolve(restarted.archive.replays.has(gameId)), `replay ${gameId} saved`);
    const saved = restarted.archive.replays.get(gameId);
    if (saved === undefined) throw new Error(`replay ${gameId} was not saved after the restart`);
    expect(saved.scfaHeader.length).toBe(headerBytes);
    const dir = join(sandbox.livePath, String(gameId));
    await until(
      () =>
        stat(dir).then(
          () => false,
          () => true,
        ),
      'the live directory removed after the save',
    );
    return concatBytes(saved.body);
  }

  it('writes at most 1.3 disk bytes per ingested byte: 6 writers (diverging_1), 2 writers (a 1v1)', async () => {
    const six = await diskBytesPerIngestedByte(sandbox, 6n, divergingStreams(), {
      headerBytes,
      ticks: Math.max(...fixtureFacts.diverging.ticks),
    });
    const example = fixture(fixtureFacts.example.file);
    const two = await diskBytesPerIngestedByte(sandbox, 7n, [example, example], fixtureFacts.example);
    // Six: the body twice (journal, canonical) and seven headers over six streams: about 0.49 before overhead.
    expect(six).toBeLessThanOrEqual(0.6);
    expect(two).toBeLessThanOrEqual(1.3);
  });

  it('ends a game recovered with nothing in it (the process died before its first write) and removes its directory', async () => {
    await gameOfDeadOwner(sandbox.livePath, 8n);
    const restarted = new CoreHarness({ settings, logStore: sandbox.store() });
    expect(await restarted.service.start()).toEqual({ recoveredGames: 1 });
    await until(
      () => Promise.resolve(restarted.logger.find('Replay 8 recovered').length > 0),
      'replay 8 restored',
    );
    await restarted.clock.advance(seconds(11));
    await until(
      () =>
        stat(join(sandbox.livePath, '8')).then(
          () => false,
          () => true,
        ),
      'the directory removed',
    );
    expect(restarted.archive.replays.size).toBe(0);
  });

  it('finishes a game that was live when the process died: six diverging_1 writers, saved as stream 5', async () => {
    // TIMELINE (delay 5 s, grace 5 s; the store's tick is driven by hand: flush() each second)
    // t=0..0.7  six writers send 4000 bytes every 0.1 s until their streams run out; they stay connected
    // t=1       the store writes and fsyncs; nothing is committed yet (the delay is 5 s)
    // crash     the process dies (its store is never closed)
    // restart   a new process on the same directory recovers the game: no writer is left, so after
    //           the grace period it is decided at once from the journal, saved, and its directory removed
    const store = sandbox.store();
    const first = new CoreHarness({ settings, logStore: store });
    const streams = divergingStreams();
    const writers = streams.map(() => first.connect('P/4/foo\0'));
    await sendPaced(first, writers, streams, { chunkBytes: 4_000, everyMs: 100, untilMs: 1_000 }, () =>
      store.flush(),
    );
    expect(first.archive.replays.size).toBe(0);

    const body = await restartAndSave(4n);
    expectSameBytes(body, (streams[5] as Uint8Array).subarray(headerBytes));
  });

  it('adopts, while it runs, the game of a peer that died, and saves it: six diverging_1 writers, stream 5', async () => {
    // TIMELINE (delay 5 s, grace 5 s; the survivor asks for orphans every 5 s of its clock)
    // t=0..0.7  six writers send their streams to the first process, which writes them at t=1
    // then      the survivor starts beside it and finds no orphan: the first process is alive
    // crash     the first process dies: its heartbeat stops (dated 1970 here, long past the bound)
    // +5 s      the survivor's pass adopts the game; after the grace period it is decided and saved
    const first = sandbox.peer();
    const firstHarness = new CoreHarness({ settings, logStore: first });
    const streams = divergingStreams();
    const writers = streams.map(() => firstHarness.connect('P/9/foo\0'));
    await sendPaced(firstHarness, writers, streams, { chunkBytes: 4_000, everyMs: 100, untilMs: 1_000 }, () =>
      first.flush(),
    );
    const survivor = new CoreHarness({ settings, logStore: sandbox.peer(), adoptIntervalMs: seconds(5) });
    expect(await survivor.service.start()).toEqual({ recoveredGames: 0 });
    await killed(first, sandbox.livePath);
    await survivor.clock.advance(seconds(5));
    await until(
      () => Promise.resolve(survivor.logger.find('Adopted 1 live game(s)').length > 0),
      'the game adopted by the pass',
    );
    const body = await savedAfterRecovery(survivor, 9n);
    expectSameBytes(body, (streams[5] as Uint8Array).subarray(headerBytes));
    await survivor.service.shutdown();
  });

  it('after a crash mid-game, saves what was synced: a prefix of stream 5 lacking only the last interval', async () => {
    // TIMELINE (delay 5 s, grace 5 s, the default 4 KiB hot window; flush() each second)
    // t=0..9.9  six writers send 300 bytes every 0.1 s (3000 a second)
    // t=5..     the header and the first body bytes are committed as they pass the delay
    // t=9       the last flush: every writer has sent 27000 bytes (header included)
    // t=9..9.9  2700 more bytes each, never written: the process dies at t=9.9
    // restart   the game is recovered with its committed stream, decided, and saved
    const store = sandbox.store();
    const first = new CoreHarness({ settings, logStore: store });
    const streams = divergingStreams();
    const writers = streams.map(() => first.connect('P/5/foo\0'));
    await sendPaced(first, writers, streams, { chunkBytes: 300, everyMs: 100, untilMs: 9_900 }, () =>
      store.flush(),
    );
    expect(first.directory.replay(5n)?.stream.length).toBeGreaterThan(headerBytes + 5_000);

    const body = await restartAndSave(5n, settings);
    // Writers 1-5 agree beyond 27000 bytes; writer 0 diverged long before and is outvoted.
    expectSameBytes(body, (streams[5] as Uint8Array).subarray(headerBytes, 27_000));
  });
});
