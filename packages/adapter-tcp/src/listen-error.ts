import { CoreError } from '@faf-replay/core';

/** A listener could not bind its address (port in use, address not available, no IPv6). */
export class ListenError extends CoreError {
  readonly code = 'LISTEN_FAILED';
}
