import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fixturePath } from '@faf-replay/fixtures';
import { createConnection, type Connection } from 'mysql2/promise';
import { findTestServer, type TestServer } from './test-server.js';

export interface TestDatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly name: string;
}

/** A scratch database with the FAF test schema and `faf-test-data.sql` loaded. */
export interface TestDatabase {
  readonly available: true;
  /** `mysql://user[:password]@host:port/name`. */
  readonly url: string;
  readonly database: string;
  /** Fits `FafDatabaseOptions`. */
  readonly config: TestDatabaseConfig;
  /** Runs SQL (several statements allowed) on the scratch database; the rows of a SELECT, else []. */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Drops the database and closes the connection. Idempotent. */
  drop(): Promise<void>;
}

/** No server here and none required: the suite skips, with this reason in its title. */
export interface UnavailableTestDatabase {
  readonly available: false;
  readonly reason: string;
}

export type TestDatabaseResult = TestDatabase | UnavailableTestDatabase;

export const fafSchemaPath: string = fileURLToPath(new URL('../../sql/faf-schema.sql', import.meta.url));

/**
 * Creates `faf_test_<random>` on the server of `findTestServer()` and loads the schema and the
 * test data through one multi-statement connection, in UTC. Use at a test module's top level:
 *
 *     const db = await createTestDatabase();
 *     describe.runIf(db.available)(suiteTitle('FAF queries', db), () => { ... });
 */
export async function createTestDatabase(): Promise<TestDatabaseResult> {
  const lookup = await findTestServer();
  if (!lookup.available) return lookup;
  const name = `faf_test_${randomBytes(6).toString('hex')}`;
  const [schema, data] = await Promise.all([
    readFile(fafSchemaPath, 'utf8'),
    readFile(fixturePath('faf-test-data.sql'), 'utf8'),
  ]);
  const connection = await connect(lookup.server);
  try {
    await connection.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
       USE \`${name}\`;
       SET time_zone = '+00:00';
       ${schema}
       ${data}`,
    );
  } catch (error) {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
    await connection.end();
    throw new Error(`could not create the test database ${name}`, { cause: error });
  }
  return testDatabase(lookup.server, name, connection);
}

/** The database of a suite that runs (call it in hooks and tests, not while collecting). */
export function requireDatabase(result: TestDatabaseResult): TestDatabase {
  if (!result.available) throw new Error(`no test database: ${result.reason}`);
  return result;
}

/** The title of a database suite: says why it was skipped, never silently. */
export function suiteTitle(title: string, result: TestDatabaseResult): string {
  return result.available ? title : `${title} [skipped: ${result.reason}]`;
}

function connect(server: TestServer): Promise<Connection> {
  return createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    multipleStatements: true,
    timezone: 'Z',
    connectTimeout: 10_000,
  });
}

function testDatabase(server: TestServer, name: string, connection: Connection): TestDatabase {
  let dropped: Promise<void> | undefined;
  return {
    available: true,
    url: databaseUrl(server, name),
    database: name,
    config: Object.freeze({ ...server, name }),
    query: async (sql, params = []) => {
      const [result] = await connection.query(sql, [...params]);
      return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
    },
    drop: () => {
      dropped ??= connection.query(`DROP DATABASE IF EXISTS \`${name}\``).then(() => connection.end());
      return dropped;
    },
  };
}

function databaseUrl(server: TestServer, name: string): string {
  const user = encodeURIComponent(server.user);
  const credentials = server.password === '' ? user : `${user}:${encodeURIComponent(server.password)}`;
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `mysql://${credentials}@${host}:${server.port}/${name}`;
}
