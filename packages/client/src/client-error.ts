export type ClientErrorCode =
  /** Not a server address, or an option the address's transport cannot carry. */
  | 'ADDRESS_INVALID'
  /** Connecting failed: refused, unknown host, no answer in time, interrupted. */
  | 'SERVER_UNREACHABLE'
  /** A stream to play that has no valid SCFA header. */
  | 'STREAM_INVALID';

/**
 * A failure the client's user can act on; its message names the address or input at fault.
 * Everything that happens after a connection opens is its ending, not an error.
 */
export class ClientError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
    this.code = code;
  }
}
