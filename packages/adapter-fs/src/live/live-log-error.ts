import { CoreError } from '@faf-replay/core';

export type LiveLogFault =
  /** A storage call failed or made no progress within the I/O timeout. */
  | 'io'
  /** The journal of the game was given up (unflushed data over its bound, or a fault that cannot be retried). */
  | 'dropped'
  /** A record of the log file is invalid: recovery of the game stops before it. */
  | 'corrupt'
  /** The game's directory belongs to another process: the game is live there too (writers split between servers). */
  | 'conflict'
  /** The log was removed or closed. */
  | 'closed'
  /** The log was used against its contract (appended to after it finished): a bug in the caller. */
  | 'usage';

/** A live game's log on disk failed; `fault` says how. The game itself goes on in memory. */
export class LiveLogError extends CoreError {
  readonly code = 'LIVE_LOG_FAILED';
  readonly fault: LiveLogFault;

  constructor(fault: LiveLogFault, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.fault = fault;
  }
}
