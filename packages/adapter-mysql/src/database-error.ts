import { CoreError } from '@faf-replay/core';

/**
 * A database call failed, after the bounded retries of `FafDatabase` for transient faults. The
 * driver's error is the `cause`; the callers turn this into the core error of their port.
 */
export class DatabaseError extends CoreError {
  readonly code = 'DATABASE_FAILED';
  /** Whether the last fault was of a kind that may go away (connection lost, timeout, deadlock). */
  readonly transient: boolean;
  readonly attempts: number;

  constructor(message: string, options: { cause: unknown; transient: boolean; attempts: number }) {
    super(message, { cause: options.cause });
    this.transient = options.transient;
    this.attempts = options.attempts;
  }
}

/** No pooled connection could be obtained in time (server silent, or every connection busy). */
export class ConnectionTimeoutError extends Error {
  readonly code = 'CONNECTION_TIMEOUT';

  constructor(timeoutMs: number) {
    super(`no database connection within ${timeoutMs} ms`);
    this.name = 'ConnectionTimeoutError';
  }
}

const transientCodes: ReadonlySet<string> = new Set([
  'CONNECTION_TIMEOUT',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

const transientServerErrnos: ReadonlySet<number> = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1615, // ER_NEED_REPREPARE: "Prepared statement needs to be re-prepared" (views, R 0.3.2)
  1927, // ER_CONNECTION_KILLED (MariaDB)
]);

/** Whether a driver error may go away on its own, so that retrying the same call makes sense. */
export function isTransientFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === 'string' && transientCodes.has(code)) return true;
  return typeof errno === 'number' && transientServerErrnos.has(errno);
}

/** A one-line description of a driver error, for messages. */
export function describeFault(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
