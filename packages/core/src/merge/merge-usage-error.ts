import { CoreError } from '../errors.js';

/** The merge was driven against its contract (an unknown writer, a writer removed before it finished): a bug in the caller. */
export class MergeUsageError extends CoreError {
  readonly code = 'MERGE_USAGE';
}
