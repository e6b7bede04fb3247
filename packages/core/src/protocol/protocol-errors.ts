import { CoreError } from '../errors.js';

/** An SCFA replay header whose content cannot be decoded (garbage, truncation, absurd nesting). */
export class ScfaHeaderDecodeError extends CoreError {
  readonly code = 'SCFA_HEADER_UNDECODABLE';
}

/** A protocol parser was used against its contract, e.g. fed again after its final step: a bug. */
export class ProtocolUsageError extends CoreError {
  readonly code = 'PROTOCOL_MISUSE';
}
