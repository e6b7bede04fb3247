import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readFafReplay } from '@faf-replay/adapter-fs';
import { createTestDatabase, requireDatabase, suiteTitle } from '@faf-replay/adapter-mysql/testing';
import type { TestDatabaseConfig } from '@faf-replay/adapter-mysql/testing';
import { ReplayWriter, writeGame } from '@faf-replay/client';
import { fixture, fixtureFacts, firstDifference, pathChanges, waitUntil } from '@faf-replay/fixtures';
import { AppProcess, tempDataDir } from './support/app-process.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { waitForSavedFile } from './support/vault.js';

const example = fixture(fixtureFacts.example.file);
const rustExampleConfig = fileURLToPath(
  new URL('../../packages/app/test-resources/rust-example-config.yml', import.meta.url),
);
const testDb = await createTestDatabase();
let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

afterAll(async () => {
  if (testDb.available) await testDb.drop();
});

/** A config file in the Rust server's format, pointed at the test database and a temp vault. */
async function rustConfigFile(
  dataDir: string,
  database: { host: string; port: number; name: string; user: string },
) {
  const file = join(dataDir, 'config.yml');
  await writeFile(
    file,
    `server:
  port: 0
  websocket_port: 0
  prometheus_port: 0
  worker_threads: 8
  connection_accept_timeout_s: 21600
database:
  pool_size: 8
  host: ${database.host}
  port: ${database.port}
  user: ${database.user}
  name: ${database.name}
storage:
  vault_path: ${join(dataDir, 'vault')}
  compression_level: 10
replay:
  forced_timeout_s: 21600
  time_with_zero_writers_to_end_replay_s: 1
  delay_s: 1
  update_interval_s: 0.1
  merge_quorum_size: 2
  stream_comparison_distance_b: 4096
`,
  );
  return file;
}

async function startFafApp(
  dataDir: string,
  database: TestDatabaseConfig | (TestDatabaseConfig & { port: number }),
) {
  const file = await rustConfigFile(dataDir, database);
  const app = await AppProcess.start(
    [
      '--log.format=json',
      '--log.level=debug',
      '--server.linger_s=0.05',
      '--database.retry_interval_s=0.5',
      '--server.http_port=0',
    ],
    { RS_CONFIG_FILE: file, RS_DB_PASSWORD: database.password },
  );
  apps.push(app);
  return app;
}

async function gameStats(gameId: number) {
  const rows = await requireDatabase(testDb).query(
    'SELECT replay_ticks, replay_available FROM game_stats WHERE id = ?',
    [gameId],
  );
  return rows[0];
}

interface Stats {
  readonly replay_ticks: number | null;
  readonly replay_available: number;
}

/**
 * Waits until game `gameId`'s row says `expected`. A stats record goes to the pending-stats
 * journal in the spool first and leaves it once the database took it: each change there (and
 * each log line) is when to look again.
 */
async function statsBecome(app: AppProcess, dataDir: string, gameId: number, expected: Stats): Promise<void> {
  const journal = join(dataDir, 'spool', 'pending-stats', `${gameId}.stats.json`);
  const matches = async (): Promise<true | undefined> => {
    const row = (await gameStats(gameId)) as Partial<Stats> | undefined;
    const same =
      row?.replay_ticks === expected.replay_ticks && row.replay_available === expected.replay_available;
    return same ? true : undefined;
  };
  await waitUntil(matches, {
    what: `game_stats of game ${gameId}`,
    timeoutMs: 15_000,
    wakeups: [pathChanges(journal), app.wakeup],
  }).catch(() => undefined);
  expect(await gameStats(gameId)).toEqual(expected);
}

describe.runIf(testDb.available)(suiteTitle('FAF mode against a real database', testDb), () => {
  it('saves game 2000 exactly as the Rust server did, and records its ticks', async () => {
    const db = requireDatabase(testDb);
    const dataDir = tempDataDir();
    await db.query('UPDATE game_stats SET replay_ticks = NULL, replay_available = 0 WHERE id = 2000');
    const app = await startFafApp(dataDir, db.config);
    expect(await writeGame(app.tcp, { gameId: 2000, stream: example, chunkBytes: 1_000 })).toEqual({
      kind: 'end',
    });
    const saved = await readFafReplay(await waitForSavedFile(dataDir, 2000n));
    const reference = await readFafReplay(fixture(fixtureFacts.game2000.file));
    expect(saved.json).toEqual(reference.json);
    expect(firstDifference(saved.replay, example)).toBe(-1);
    expect(saved.replay.length).toBe(example.length);
    await statsBecome(app, dataDir, 2000, { replay_ticks: 1_928, replay_available: 1 });
    expect(app.logsMatching(`Database ${db.config.name} at ${db.config.host} is reachable`)).toHaveLength(1);
    expect(await app.metrics()).toContain('replayserver_database_reachable 1');
  });

  it('finds a wrong password at start, says so, and serves anyway', async () => {
    const db = requireDatabase(testDb);
    const dataDir = tempDataDir();
    const app = await startFafApp(dataDir, { ...db.config, password: 'not-the-password' });
    const refused = app.logsMatching('is NOT reachable');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.['database']).toBe(db.config.name);
    expect(await app.metrics()).toContain('replayserver_database_reachable 0');
    await writeGame(app.tcp, { gameId: 1071, stream: example });
    const saved = await readFafReplay(await waitForSavedFile(dataDir, 1071n));
    expect(saved.json['metadata_origin']).toBe('scfa-header');
  });

  it('saves a coop-style game without player rows with empty teams', async () => {
    const db = requireDatabase(testDb);
    const dataDir = tempDataDir();
    const app = await startFafApp(dataDir, db.config);
    await writeGame(app.tcp, { gameId: 1070, stream: example });
    const saved = await readFafReplay(await waitForSavedFile(dataDir, 1070n));
    expect(saved.json).toMatchObject({ uid: 1070, teams: {}, num_players: 0 });
    expect(saved.json['metadata_origin']).toBeUndefined();
    await statsBecome(app, dataDir, 1070, { replay_ticks: 1_928, replay_available: 1 });
  });

  it('saves the replay while the database is unreachable, and writes its stats once it is back', async () => {
    const db = requireDatabase(testDb);
    const dataDir = tempDataDir();
    await db.query('UPDATE game_stats SET replay_ticks = NULL, replay_available = 0 WHERE id = 2001');
    const proxy = new TcpProxy({ host: db.config.host, port: db.config.port });
    const proxyPort = await proxy.up();
    const app = await startFafApp(dataDir, { ...db.config, host: '127.0.0.1', port: proxyPort });
    const writer = await ReplayWriter.connect(app.tcp, { gameId: 2001, stream: example });
    writer.sendUpTo(20_000);
    await app.waitForLog((line) => line.msg === 'Replay 2001 started');
    await proxy.down();
    writer.sendAll();
    const saved = await readFafReplay(await waitForSavedFile(dataDir, 2001n));
    expect(firstDifference(saved.replay, example)).toBe(-1);
    expect(saved.json).toMatchObject({ uid: 2001, metadata_origin: 'scfa-header', mapname: 'scmp_016' });
    await app.waitForLog((line) => line.msg.includes('Failed to save ticks of game 2001'));
    expect(await gameStats(2001)).toEqual({ replay_ticks: null, replay_available: 0 });
    await proxy.up();
    await statsBecome(app, dataDir, 2001, { replay_ticks: 1_928, replay_available: 1 });
    await proxy.down();
  });

  it('leaves an already-saved replay and its database row untouched on a second run', async () => {
    const db = requireDatabase(testDb);
    const dataDir = tempDataDir();
    const first = await startFafApp(dataDir, db.config);
    await writeGame(first.tcp, { gameId: 1000, stream: example });
    const original = await waitForSavedFile(dataDir, 1000n);
    await statsBecome(first, dataDir, 1000, { replay_ticks: 1_928, replay_available: 1 });
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startFafApp(dataDir, db.config);
    await writeGame(second.tcp, { gameId: 1000, stream: example.subarray(0, 20_000) });
    await second.waitForLog((line) => line.msg === 'Replay 1000 was already saved; kept the saved file');
    expect((await waitForSavedFile(dataDir, 1000n)).equals(original)).toBe(true);
    expect(await gameStats(1000)).toEqual({ replay_ticks: 1_928, replay_available: 1 });
  });
});

describe('drop-in configuration', () => {
  it("starts from the Rust server's documented config file, unchanged", async () => {
    const app = await AppProcess.start([], { RS_CONFIG_FILE: rustExampleConfig, RS_DB_PASSWORD: 'banana' });
    apps.push(app);
    expect(app.ports).toEqual({ tcp: 15_000, websocket: 15_001, metrics: 8_001, http: 15_002 });
    const ready = await fetch(`http://127.0.0.1:${app.ports.metrics}/readyz`);
    expect(ready.status).toBe(200);
    expect(app.logs.find((line) => line.msg === 'faf-replay-server listening')?.['mode']).toBe('faf');
    expect(await app.stop('SIGTERM')).toBe(0);
  });
});
