/**
 * Structured logging, shaped so that a pino logger satisfies it. The level says whose fault it
 * is: debug for empty connections, info for bad client data, warn/error for our own failures.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  /** A logger that adds `bindings` (e.g. `{ replayId, connId }`) to every line. */
  child(bindings: Record<string, unknown>): Logger;
}
