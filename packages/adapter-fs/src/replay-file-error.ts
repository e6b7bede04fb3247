import { CoreError } from '@faf-replay/core';

export type ReplayFileFault =
  /** No `\n` ends a JSON line. */
  | 'no-json-line'
  /** The first line is not a JSON object. */
  | 'bad-json'
  /** `version` is neither 1 nor 2. */
  | 'unsupported-version'
  /** The data after the JSON line does not decode to a replay (bad zstd, base64 or zlib). */
  | 'bad-payload';

/** A `.fafreplay` file could not be read: it is truncated, corrupt, or of an unknown version. */
export class ReplayFileError extends CoreError {
  readonly code = 'REPLAY_FILE_INVALID';
  readonly fault: ReplayFileFault;

  constructor(fault: ReplayFileFault, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.fault = fault;
  }
}
