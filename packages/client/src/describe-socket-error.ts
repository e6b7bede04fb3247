/** A socket error as a user reads it: why the connection failed, not the errno. */
export function describeSocketError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running, on this port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ECONNRESET':
      return 'the connection was reset';
    case 'EPIPE':
      return 'the server closed the connection';
    case 'ABORT_ERR':
      return 'interrupted';
    default:
      return error.message;
  }
}
