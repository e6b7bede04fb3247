import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionTimeoutError, DatabaseError } from './database-error.js';
import { FafDatabase, type FafDatabaseOptions } from './faf-database.js';
import { fafQueryBuilder } from './faf-query-builder.js';
import { closedPort, createTestDatabase, requireDatabase, suiteTitle } from './testing/index.js';

const testDb = await createTestDatabase();
const fastTuning = { queryTimeoutMs: 300, connectTimeoutMs: 300, maxAttempts: 3, retryDelayMs: 10 };
const opened: FafDatabase[] = [];

function open(options: FafDatabaseOptions): FafDatabase {
  const database = new FafDatabase(options);
  opened.push(database);
  return database;
}

const oneRow = sql<{ one: number }>`SELECT 1 AS one`.compile(fafQueryBuilder);

afterEach(async () => {
  await Promise.all(opened.splice(0).map((database) => database.close()));
});

describe('FafDatabase without a database', () => {
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  function silentPort(): number {
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it('connects lazily, and bounds a silent server by the connect timeout', async () => {
    const tuning = { ...fastTuning, maxAttempts: 2 };
    const database = open({
      host: '127.0.0.1',
      port: silentPort(),
      user: 'u',
      password: '',
      name: 'n',
      ...tuning,
    });
    await sleep(50);
    expect(sockets).toHaveLength(0);
    const started = performance.now();
    const error = await database.select('probe', oneRow).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(2 * 300 + 400);
    expect(sockets.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ transient: true, attempts: 2 });
  });

  it('fails fast on a closed port, after bounded retries', async () => {
    const port = await closedPort();
    const database = open({ host: '127.0.0.1', port, user: 'u', password: '', name: 'n', ...fastTuning });
    const started = performance.now();
    const error = await database.select('probe', oneRow).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toMatchObject({ code: 'DATABASE_FAILED', transient: true, attempts: 3 });
    expect((error as DatabaseError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('reports a closed port as unreachable after one attempt, at once', async () => {
    const port = await closedPort();
    const database = open({ host: '127.0.0.1', port, user: 'u', password: '', name: 'n', ...fastTuning });
    const started = performance.now();
    const check = await database.check();
    expect(performance.now() - started).toBeLessThan(300);
    expect(check).toMatchObject({ reachable: false, error: { transient: true, attempts: 1 } });
    expect(check.reachable ? undefined : check.error.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails every call once closed', async () => {
    const database = open({
      host: '127.0.0.1',
      port: await closedPort(),
      user: 'u',
      password: '',
      name: 'n',
    });
    await database.close();
    await database.close();
    await expect(database.select('probe', oneRow)).rejects.toThrow(/closed/);
  });
});

describe.runIf(testDb.available)(suiteTitle('FafDatabase on a real database', testDb), () => {
  afterAll(() => requireDatabase(testDb).drop());

  function openReal(): FafDatabase {
    return open({ ...requireDatabase(testDb).config, ...fastTuning });
  }

  it('runs compiled queries in a UTC session', async () => {
    const zone = sql<{ zone: string }>`SELECT @@session.time_zone AS zone`.compile(fafQueryBuilder);
    expect(await openReal().select('zone', zone)).toEqual([{ zone: '+00:00' }]);
  });

  it('times a slow statement out, then works on with a fresh connection', async () => {
    const database = open({ ...requireDatabase(testDb).config, ...fastTuning, maxAttempts: 2 });
    const slow = sql`SELECT SLEEP(5)`.compile(fafQueryBuilder);
    const started = performance.now();
    const error = await database.select('slow', slow).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(2 * 300 + 400);
    expect(error).toMatchObject({ transient: true, attempts: 2 });
    expect((error as DatabaseError).cause).toMatchObject({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' });
    expect(await database.select('after', oneRow)).toEqual([{ one: 1 }]);
  });

  it('bounds the wait for a free connection', async () => {
    const database = open({
      ...requireDatabase(testDb).config,
      ...fastTuning,
      queryTimeoutMs: 2_000,
      connectTimeoutMs: 200,
      poolSize: 1,
      maxAttempts: 1,
    });
    const busy = database.select('busy', sql`SELECT SLEEP(0.6)`.compile(fafQueryBuilder));
    const waiting = database.select('waiting', oneRow).catch((e: unknown) => e);
    const error = await waiting;
    await busy.catch(() => undefined);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).cause).toBeInstanceOf(ConnectionTimeoutError);
  });

  it('gets over a connection that the server killed', async () => {
    const database = openReal();
    const connectionId = sql<{ id: number }>`SELECT CONNECTION_ID() AS id`.compile(fafQueryBuilder);
    const [first] = await database.select('id', connectionId);
    await requireDatabase(testDb).query(`KILL ${String(first?.id)}`);
    const [second] = await database.select('id', connectionId);
    expect(second?.id).toEqual(expect.any(Number));
    expect(second?.id).not.toBe(first?.id);
  });

  it('checks at start that the database answers and game_stats can be read', async () => {
    expect(await openReal().check()).toEqual({ reachable: true });
  });

  it.each([
    ['a wrong password', { password: 'not-the-password' }, 1045],
    ['an unknown database', { name: 'no_such_database' }, 1049],
    ['a database without game_stats', { name: 'information_schema' }, 1109],
  ])('reports %s as a failed check, naming the cause', async (_case, wrong, errno) => {
    const check = await open({ ...requireDatabase(testDb).config, ...fastTuning, ...wrong }).check();
    if (check.reachable) throw new Error('expected the check to fail');
    expect(check.error).toBeInstanceOf(DatabaseError);
    expect(check.error.message).toMatch(/^database check failed: /);
    expect(check.error.cause).toMatchObject({ errno });
  });

  it('does not retry a fault that will not go away', async () => {
    const error = await openReal()
      .select('bad', sql`SELECT * FROM no_such_table`.compile(fafQueryBuilder))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: false, attempts: 1 });
    expect((error as DatabaseError).cause).toMatchObject({ errno: 1146 });
  });
});
