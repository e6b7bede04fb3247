import { ConnectionError } from '../errors.js';
import type { ByteConnection } from '../ports/byte-connection.js';
import type { ConnectionResult } from '../ports/server-events.js';

export interface ReaderOutcome {
  readonly result: ConnectionResult;
  readonly reason?: string;
}

/**
 * Sends one reader its stream (the header, then the body as it is committed) until the stream
 * is finished and everything is sent, `stop` aborts, or the reader goes away. The reader's own
 * input is drained and ignored, so that closing never meets unread data (which would turn a
 * graceful close into a reset).
 */
export async function sendToReader(
  connection: ByteConnection,
  stream: (signal: AbortSignal) => AsyncIterable<Uint8Array>,
  stop: AbortSignal,
  bytesSent: (bytes: number) => void,
): Promise<ReaderOutcome> {
  const until = new AbortController();
  let peerError: ConnectionError | undefined;
  const onStop = (): void => until.abort();
  stop.addEventListener('abort', onStop, { once: true });
  if (stop.aborted) until.abort();
  connection.receive({
    data: () => undefined,
    end: () => undefined,
    fail: (error) => {
      peerError = error;
      until.abort();
    },
  });
  try {
    for await (const chunk of stream(until.signal)) {
      await connection.write(chunk);
      bytesSent(chunk.length);
    }
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    return { result: 'I/O error', reason: error.message };
  } finally {
    stop.removeEventListener('abort', onStop);
  }
  if (peerError !== undefined) return { result: 'I/O error', reason: peerError.message };
  return { result: 'Success' };
}
