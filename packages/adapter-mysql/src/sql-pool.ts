import { ConnectionTimeoutError } from './database-error.js';

/**
 * The few members of a mysql2 callback pool that `FafDatabase` uses, declared here (as kysely's
 * MySQL dialect does) so that no mysql2 type leaks out of this package.
 */
export interface SqlPool {
  getConnection(callback: (error: unknown, connection: SqlConnection) => void): void;
  end(callback: (error: unknown) => void): void;
}

export interface SqlConnection {
  query(options: SqlQueryOptions, callback: (error: unknown, result: unknown) => void): unknown;
  release(): void;
  destroy(): void;
}

export interface SqlQueryOptions {
  readonly sql: string;
  readonly values: unknown[];
  /** Milliseconds; mysql2 then fails the query with `PROTOCOL_SEQUENCE_TIMEOUT`. */
  readonly timeout: number;
}

/**
 * A pooled connection within `timeoutMs`. mysql2 bounds the connect itself, but not the wait for
 * a free connection when every one is busy; this bounds both.
 */
export function acquireConnection(pool: SqlPool, timeoutMs: number): Promise<SqlConnection> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new ConnectionTimeoutError(timeoutMs));
    }, timeoutMs);
    pool.getConnection((error, connection) => {
      clearTimeout(timer);
      if (timedOut) {
        if (!error) connection.release();
      } else if (!error) {
        resolve(connection);
      } else {
        reject(asError(error));
      }
    });
  });
}

/** Runs one statement; a timed-out connection is destroyed, as its protocol state is unknown. */
export function runStatement(connection: SqlConnection, options: SqlQueryOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query(options, (error, result) => {
      if (!error) {
        resolve(result);
        return;
      }
      if (hasCode(error, 'PROTOCOL_SEQUENCE_TIMEOUT')) connection.destroy();
      reject(asError(error));
    });
  });
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error('the database driver failed', { cause: error });
}
