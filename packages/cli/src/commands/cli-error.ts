import { ClientError } from '@faf-replay/client';
import { exitCodes } from './command-context.js';

export type CliErrorCode =
  | 'USAGE'
  | 'FILE_UNREADABLE'
  | 'FILE_EXISTS'
  | 'FILE_UNWRITABLE'
  | 'REPLAY_FILE_INVALID'
  | 'STREAM_CORRUPT'
  | 'SERVER_UNREACHABLE'
  | 'GAME_NOT_RUNNING'
  | 'CONNECTION_FAILED';

/**
 * A failure the user can act on: bad arguments or bad input. Its message is printed as is, so it
 * names the file, server or option at fault; anything else that escapes a command is a bug.
 */
export class CliError extends Error {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }

  get exitCode(): number {
    return this.code === 'USAGE' ? exitCodes.usage : exitCodes.failed;
  }
}

/** A client's error as the CLI reports it: a bad address is bad usage; the rest bad input. */
export function cliErrorOf(error: unknown): CliError | null {
  if (error instanceof CliError) return error;
  if (!(error instanceof ClientError)) return null;
  const code =
    error.code === 'ADDRESS_INVALID'
      ? 'USAGE'
      : error.code === 'STREAM_INVALID'
        ? 'STREAM_CORRUPT'
        : error.code;
  return new CliError(code, error.message, { cause: error });
}

export function usageError(message: string): CliError {
  return new CliError('USAGE', message);
}
