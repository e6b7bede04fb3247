import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { mkdir, readdir, readlink, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GameId, RecoveredLog, ReplayLog } from '@faf-replay/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../testing/index.js';
import { FileReplayLogStore, OWN_GAMES_READ_EVERY } from './file-replay-log-store.js';
import type { LiveLogError } from './live-log-error.js';
import { collect, concat, killed, liveLogSandbox, pseudoBytes, readAll } from './live-log.test-support.js';
import { heartbeatPath } from './owner-heartbeat.js';

const HOT_BYTES = 4_096;

/** What game `gameId` committed in the tests: a few KiB of its own. */
const committedOf = (gameId: GameId): Uint8Array => pseudoBytes(3_000 + Number(gameId), Number(gameId));

describe('FileReplayLogStore: several processes over one live path', () => {
  let sandbox: Awaited<ReturnType<typeof liveLogSandbox>>;
  beforeEach(async () => {
    sandbox = await liveLogSandbox();
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  const dirOf = (gameId: GameId): string => join(sandbox.livePath, String(gameId));

  /** The owner id the game's directory names now (its highest record). */
  async function ownerOf(gameId: GameId): Promise<string> {
    const records = (await readdir(dirOf(gameId)))
      .filter((name) => /^owner\.\d+$/.test(name))
      .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
    return readlink(join(dirOf(gameId), records.at(-1) ?? 'none'));
  }

  const exists = (path: string): Promise<boolean> =>
    stat(path).then(
      () => true,
      () => false,
    );

  /** Opens each game in `store` and makes its committed bytes durable. */
  async function openGames(store: FileReplayLogStore, gameIds: readonly GameId[]): Promise<ReplayLog[]> {
    return Promise.all(
      gameIds.map(async (gameId) => {
        const log = store.open(gameId, { hotBytes: HOT_BYTES });
        log.journal({ type: 'fork', branch: 0, parent: null, at: 0 });
        log.canonical.append([committedOf(gameId)]);
        await log.sync();
        return log;
      }),
    );
  }

  /** The recovered games' ids, checking each holds what its first process committed. */
  async function idsOf(recovered: readonly RecoveredLog[]): Promise<GameId[]> {
    for (const { log, entries } of recovered) {
      expect(await collect(entries)).toEqual([{ type: 'fork', branch: 0, parent: null, at: 0 }]);
      log.canonical.finish();
      expectSameBytes(await readAll(log.canonical.read(0)), committedOf(log.gameId));
    }
    return recovered.map(({ log }) => log.gameId).sort((a, b) => Number(a - b));
  }

  it('gives each game of a dead owner to exactly one of two peers racing for it, and then removes its heartbeat', async () => {
    const dead = sandbox.peer();
    const gameIds = Array.from({ length: 24 }, (_, i) => BigInt(100 + i));
    await openGames(dead, gameIds);
    await killed(dead, sandbox.livePath);
    const [b, c] = [sandbox.peer(), sandbox.peer()];

    const [fromB, fromC] = await Promise.all([
      collect(b.recover({ hotBytes: HOT_BYTES })),
      collect(c.recover({ hotBytes: HOT_BYTES })),
    ]);
    const [idsB, idsC] = [await idsOf(fromB), await idsOf(fromC)];
    expect([...idsB, ...idsC].sort((x, y) => Number(x - y))).toEqual(gameIds);
    for (const gameId of idsB) expect(await ownerOf(gameId)).toBe(b.ownerId);
    for (const gameId of idsC) expect(await ownerOf(gameId)).toBe(c.ownerId);

    // Later passes yield nothing more: each peer is alive, and owns what it took.
    const again = await Promise.all([b, c].map((peer) => collect(peer.recover({ hotBytes: HOT_BYTES }))));
    expect(again).toEqual([[], []]);
    expect(await exists(heartbeatPath(sandbox.livePath, dead.ownerId))).toBe(false);
    expect(sandbox.faults).toEqual([]);
  });

  it("never adopts a live owner's games, and adopts a silent owner's once its heartbeat is older than the bound", async () => {
    // TIMELINE (real time; staleness bound 1 s)
    // t=0      `live` beats every 20 ms; `silent` beat once, when it opened its games
    // t=0..1   the watcher's passes find no orphan
    // t≈1      the silent owner's heartbeat passes the bound: its two games are adopted, once
    // t..2.5   the live owner's games, a second and a half past the bound, are still its own
    const staleMs = 1_000;
    const live = sandbox.peer({ heartbeatIntervalMs: 20, ownerStaleMs: staleMs });
    const silent = sandbox.peer();
    await openGames(live, [1n, 2n]);
    await openGames(silent, [3n, 4n]);
    const watcher = sandbox.peer({ ownerStaleMs: staleMs, heartbeatIntervalMs: 100 });
    const silentBeatMs = (await stat(heartbeatPath(sandbox.livePath, silent.ownerId))).mtimeMs;
    expect(await collect(watcher.recover({ hotBytes: HOT_BYTES }))).toEqual([]);

    const adopted: RecoveredLog[] = [];
    let passes = 0;
    const liveBeat = heartbeatPath(sandbox.livePath, live.ownerId);
    await until(
      async () => {
        // One pass per beat of the live owner: its file is what the test waits on.
        const beatMs = (await stat(liveBeat)).mtimeMs;
        await until(async () => (await stat(liveBeat)).mtimeMs > beatMs, 'the next beat of the live owner');
        adopted.push(...(await collect(watcher.recover({ hotBytes: HOT_BYTES }))));
        passes++;
        return (await watcher.heartbeat()) > silentBeatMs + staleMs * 2.5;
      },
      'two and a half staleness bounds',
      15_000,
    );
    expect(passes).toBeGreaterThan(10);
    expect(await idsOf(adopted)).toEqual([3n, 4n]);
    expect([await ownerOf(1n), await ownerOf(2n)]).toEqual([live.ownerId, live.ownerId]);
    expect([await ownerOf(3n), await ownerOf(4n)]).toEqual([watcher.ownerId, watcher.ownerId]);
    expect(await exists(heartbeatPath(sandbox.livePath, silent.ownerId))).toBe(false);
  });

  it('leaves the games of a store that closed to its peers at once', async () => {
    const first = sandbox.peer();
    await openGames(first, [5n]);
    await first.close();
    expect(await exists(heartbeatPath(sandbox.livePath, first.ownerId))).toBe(false);
    const next = sandbox.peer();
    expect(await idsOf(await collect(next.recover({ hotBytes: HOT_BYTES })))).toEqual([5n]);
  });

  it('keeps in memory a game whose directory another process owns, and leaves that directory alone', async () => {
    const owner = sandbox.peer();
    const [theirs] = await openGames(owner, [6n]);
    const other = sandbox.peer();
    const ours = other.open(6n, { hotBytes: HOT_BYTES });
    ours.canonical.append([pseudoBytes(100, 66)]);
    await expect(ours.sync()).rejects.toMatchObject({ fault: 'dropped' });
    const [fault] = sandbox.faults;
    expect([fault?.gameId, fault?.error.fault, (fault?.error.cause as LiveLogError).cause]).toEqual([
      6n,
      'dropped',
      expect.objectContaining({
        fault: 'conflict',
        message: expect.stringContaining(owner.ownerId) as unknown,
      }),
    ]);
    ours.canonical.finish();
    expectSameBytes(await readAll(ours.canonical.read(0)), pseudoBytes(100, 66));
    await ours.remove();

    // The owner's game is whole: its directory, its file, and what it goes on writing.
    expect(await ownerOf(6n)).toBe(owner.ownerId);
    theirs?.canonical.append([pseudoBytes(10, 67)]);
    await theirs?.sync();
    await owner.close();
    const [recovered] = await collect(sandbox.peer().recover({ hotBytes: HOT_BYTES }));
    if (recovered === undefined) throw new Error('game 6 not recovered after its owner closed');
    recovered.log.canonical.finish();
    expectSameBytes(
      await readAll(recovered.log.canonical.read(0)),
      concat([committedOf(6n), pseudoBytes(10, 67)]),
    );
  });

  it('removes no directory that a peer adopted while this store stalled', async () => {
    const stalled = sandbox.peer();
    const [log] = await openGames(stalled, [7n]);
    await killed(stalled, sandbox.livePath);
    const adopter = sandbox.peer();
    const [adopted] = await collect(adopter.recover({ hotBytes: HOT_BYTES }));
    // The stalled process comes back, ends its game and removes its log: the adopter's stays.
    await log?.remove();
    expect(await ownerOf(7n)).toBe(adopter.ownerId);
    adopted?.log.canonical.append([pseudoBytes(10, 77)]);
    await adopted?.log.sync();
    await adopted?.log.remove();
    expect(await exists(dirOf(7n))).toBe(false);
  });

  it('takes a directory of the previous format (a log file, no owner record) at once, whoever runs', async () => {
    const running = sandbox.peer();
    await openGames(running, [8n]);
    await unlink(join(dirOf(8n), 'owner.0'));
    const next = sandbox.peer();
    expect(await idsOf(await collect(next.recover({ hotBytes: HOT_BYTES })))).toEqual([8n]);
    expect(await ownerOf(8n)).toBe(next.ownerId);
  });

  it('reports a heartbeat that cannot be written once per run of failures, and opens no game without it', async () => {
    const heartbeatFaults: LiveLogError[] = [];
    const owners = join(sandbox.livePath, '.owners');
    await writeFile(owners, 'a file where the heartbeats go');
    const store = sandbox.peer({ onHeartbeatFault: (error) => heartbeatFaults.push(error) });
    for (let attempt = 0; attempt < 3; attempt++)
      await expect(store.heartbeat()).rejects.toMatchObject({ fault: 'io' });
    await expect(collect(store.recover({ hotBytes: HOT_BYTES }))).rejects.toMatchObject({ fault: 'io' });
    const log = store.open(9n, { hotBytes: HOT_BYTES });
    await expect(log.sync()).rejects.toMatchObject({ fault: 'dropped' });
    expect(await exists(dirOf(9n))).toBe(false);
    expect(heartbeatFaults).toHaveLength(1);

    await rm(owners);
    await store.heartbeat();
    await openGames(store, [10n]);
    await rm(owners, { recursive: true });
    await writeFile(owners, 'broken again');
    await expect(store.heartbeat()).rejects.toMatchObject({ fault: 'io' });
    expect(heartbeatFaults).toHaveLength(2);
  });

  it("reads its own open games' directories only in every OWN_GAMES_READ_EVERY-th adoption pass", async () => {
    const store = sandbox.peer();
    const gameId = 500n;
    await openGames(store, [gameId]);
    expect(await collect(store.recover({ hotBytes: HOT_BYTES }))).toEqual([]);
    // An owner record that cannot be read: a pass that reads the directory reports it.
    await unlink(join(dirOf(gameId), 'owner.0'));
    await mkdir(join(dirOf(gameId), 'owner.0'));
    for (let pass = 1; pass < OWN_GAMES_READ_EVERY; pass++) {
      expect(await collect(store.recover({ hotBytes: HOT_BYTES }))).toEqual([]);
    }
    expect(sandbox.faults).toEqual([]);
    expect(await collect(store.recover({ hotBytes: HOT_BYTES }))).toEqual([]);
    expect(sandbox.faults.map((fault) => fault.gameId)).toEqual([gameId]);
    // Put back, so that the store closes as usual.
    await rm(join(dirOf(gameId), 'owner.0'), { recursive: true });
    await symlink(store.ownerId, join(dirOf(gameId), 'owner.0'));
  });

  it('refuses a heartbeat interval over half the staleness bound', () => {
    const livePath = sandbox.livePath;
    expect(() => new FileReplayLogStore({ livePath, ownerStaleMs: 1_000, heartbeatIntervalMs: 501 })).toThrow(
      RangeError,
    );
    expect(() => new FileReplayLogStore({ livePath, ownerStaleMs: 0 })).toThrow(RangeError);
    expect(
      () => new FileReplayLogStore({ livePath, ownerStaleMs: 1_000, heartbeatIntervalMs: 500 }),
    ).not.toThrow();
  });
});
