/**
 * Every error the core raises or translates: a stable `code` to branch and count on, a `name`
 * for logs, and the original fault as `cause`. Outcomes a caller must branch on (a rejected
 * connection, a replay already saved) are return values, not errors.
 */
export abstract class CoreError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A connection ended abnormally (reset, WebSocket close other than 1000, dropped slow reader). */
export class ConnectionError extends CoreError {
  readonly code = 'CONNECTION_FAILED';
}

/** The archive could not store or look up a replay (disk full, permissions, ...). Retryable. */
export class ArchiveError extends CoreError {
  readonly code = 'ARCHIVE_FAILED';
}

/** The metadata for a replay's JSON header could not be obtained (database down, row missing). */
export class MetadataUnavailableError extends CoreError {
  readonly code = 'METADATA_UNAVAILABLE';
}

/** Ticks and availability could not be recorded (database down). Retryable. */
export class StatsError extends CoreError {
  readonly code = 'STATS_FAILED';
}

/** A replay could not be kept in the spool at shutdown: the last line of defence failed. */
export class SpoolError extends CoreError {
  readonly code = 'SPOOL_FAILED';
}
