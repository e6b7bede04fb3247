import { CoreError } from '../errors.js';

/** A stream was used against its contract (e.g. appended to after `finish()`): a bug in the caller. */
export class StreamStateError extends CoreError {
  readonly code = 'STREAM_STATE';
}
