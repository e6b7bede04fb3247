import { ConnectionError } from '../errors.js';
import type { ByteConnection } from '../ports/byte-connection.js';
import type { ConnectionResult } from '../ports/server-events.js';
import type { CanonicalStream } from '../streams/index.js';

export interface ReaderOutcome {
  readonly result: ConnectionResult;
  readonly reason?: string;
}

/**
 * Sends one reader the canonical stream: the header at once, then the body as its delayed
 * length advances, until the stream is finished and everything is sent, `stop` aborts, or the
 * reader goes away. The reader's own input is drained and ignored, so that closing never meets
 * unread data (which would turn a graceful close into a reset).
 */
export async function sendToReader(
  connection: ByteConnection,
  input: AsyncIterable<Uint8Array>,
  canonical: CanonicalStream,
  stop: AbortSignal,
  bytesSent: (bytes: number) => void,
): Promise<ReaderOutcome> {
  const peerGone = new AbortController();
  void drain(input).then((error) => {
    if (error !== undefined) peerGone.abort(error);
  });
  const until = AbortSignal.any([stop, peerGone.signal]);
  try {
    for await (const chunk of canonical.read(until)) {
      await connection.write(chunk);
      bytesSent(chunk.length);
    }
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    return { result: 'I/O error', reason: error.message };
  }
  if (peerGone.signal.aborted) {
    return { result: 'I/O error', reason: (peerGone.signal.reason as Error).message };
  }
  return { result: 'Success' };
}

/** Reads and discards input; resolves with the error that ended it, if any. */
async function drain(input: AsyncIterable<Uint8Array>): Promise<ConnectionError | undefined> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the input is read only to be discarded
    for await (const _ of input);
    return undefined;
  } catch (error) {
    if (error instanceof ConnectionError) return error;
    return new ConnectionError('reader input failed', { cause: error });
  }
}
