import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type CompiledQuery } from 'kysely';
import { createPool } from 'mysql2';
import { DatabaseError, describeFault, isTransientFault } from './database-error.js';
import { fafQueryBuilder } from './faf-query-builder.js';
import { acquireConnection, runStatement, type SqlConnection, type SqlPool } from './sql-pool.js';

export interface FafDatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The schema, `faf_lobby` in production. */
  readonly name: string;
  readonly poolSize: number;
  /** Bound on one statement's round trip. */
  readonly queryTimeoutMs: number;
  /** Bound on obtaining a connection: TCP connect and handshake, or the wait for a free one. */
  readonly connectTimeoutMs: number;
  /** Attempts per call when the fault is transient (1: no retry). The caller retries longer-term. */
  readonly maxAttempts: number;
  /** Pause before the second attempt; it doubles for each further one. */
  readonly retryDelayMs: number;
}

export type FafDatabaseOptions = Pick<FafDatabaseConfig, 'host' | 'port' | 'user' | 'password' | 'name'> &
  Partial<Omit<FafDatabaseConfig, 'host' | 'port' | 'user' | 'password' | 'name'>>;

export const defaultDatabaseTuning = Object.freeze({
  poolSize: 8,
  queryTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  maxAttempts: 3,
  retryDelayMs: 250,
});

export interface WriteOutcome {
  readonly affectedRows: number;
}

export type DatabaseCheck =
  { readonly reachable: true } | { readonly reachable: false; readonly error: DatabaseError };

/** Reads `game_stats`: proves the server answers, the credentials, the schema name and the grant. */
const checkQuery = sql`SELECT 1 FROM game_stats LIMIT 1`.compile(fafQueryBuilder);

/**
 * The FAF database: owns the mysql2 pool and runs every compiled query with a timeout, bounded
 * retries of transient faults, and translation of driver errors into `DatabaseError`.
 *
 * Lazy: nothing connects before the first query, so the server starts and serves live games
 * while the database is down. Sessions read TIMESTAMP columns in UTC. After `close()`, every
 * call fails with a `DatabaseError`.
 */
export class FafDatabase {
  readonly config: Readonly<FafDatabaseConfig>;
  readonly #pool: SqlPool;
  readonly #utcSessions = new WeakSet<SqlConnection>();
  readonly #closing = new AbortController();
  #closed: Promise<void> | undefined;

  constructor(options: FafDatabaseOptions) {
    this.config = Object.freeze({ ...defaultDatabaseTuning, ...options });
    this.#pool = createPool({
      host: this.config.host,
      port: this.config.port,
      user: this.config.user,
      password: this.config.password,
      database: this.config.name,
      connectionLimit: this.config.poolSize,
      connectTimeout: this.config.connectTimeoutMs,
      // With the session time zone set to UTC below, DATETIME text is UTC too.
      timezone: 'Z',
    });
  }

  /** The rows of a SELECT. */
  async select<Row>(label: string, query: CompiledQuery<Row>): Promise<Row[]> {
    const result = await this.#run(label, query);
    if (!Array.isArray(result)) {
      throw new DatabaseError(`${label}: the statement returned no rows`, {
        cause: result,
        transient: false,
        attempts: 1,
      });
    }
    return result as Row[];
  }

  /** The outcome of an INSERT/UPDATE/DELETE. */
  async write(label: string, query: CompiledQuery): Promise<WriteOutcome> {
    const result = await this.#run(label, query);
    const { affectedRows } = result as { affectedRows?: unknown };
    return { affectedRows: typeof affectedRows === 'number' ? affectedRows : 0 };
  }

  /**
   * One attempt at reading `game_stats`, for the check at start: a wrong host, password,
   * schema name or grant shows at once instead of when the first game ends. Never throws.
   */
  async check(): Promise<DatabaseCheck> {
    try {
      await this.#run('database check', checkQuery, 1);
      return { reachable: true };
    } catch (error) {
      if (error instanceof DatabaseError) return { reachable: false, error };
      throw error;
    }
  }

  /** Ends the pool; in-flight retries stop waiting. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#closing.abort();
      // A failed graceful end (server gone) leaves nothing to clean up.
      this.#pool.end(() => {
        resolve();
      });
    });
    return this.#closed;
  }

  async #run(label: string, query: CompiledQuery, maxAttempts = this.config.maxAttempts): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      this.#throwIfClosed(label, attempt - 1);
      try {
        return await this.#attempt(query);
      } catch (error) {
        const transient = isTransientFault(error);
        if (!transient || attempt >= maxAttempts || this.#closing.signal.aborted) {
          const tries = attempt === 1 ? '' : ` after ${attempt} attempts`;
          throw new DatabaseError(`${label} failed${tries}: ${describeFault(error)}`, {
            cause: error,
            transient,
            attempts: attempt,
          });
        }
        await this.#pause(this.config.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  async #attempt(query: CompiledQuery): Promise<unknown> {
    const connection = await acquireConnection(this.#pool, this.config.connectTimeoutMs);
    try {
      await this.#ensureUtcSession(connection);
      return await this.#statement(connection, query.sql, [...query.parameters]);
    } finally {
      connection.release();
    }
  }

  async #ensureUtcSession(connection: SqlConnection): Promise<void> {
    if (this.#utcSessions.has(connection)) return;
    await this.#statement(connection, "SET time_zone = '+00:00'", []);
    this.#utcSessions.add(connection);
  }

  #statement(connection: SqlConnection, sql: string, values: unknown[]): Promise<unknown> {
    return runStatement(connection, { sql, values, timeout: this.config.queryTimeoutMs });
  }

  async #pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.#closing.signal });
    } catch {
      // Aborted by close(): the loop then reports the database as closed.
    }
  }

  #throwIfClosed(label: string, attempts: number): void {
    if (!this.#closing.signal.aborted) return;
    throw new DatabaseError(`${label}: the database is closed`, {
      cause: this.#closing.signal.reason,
      transient: false,
      attempts,
    });
  }
}
