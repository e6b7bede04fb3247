import type { ServerResponse } from 'node:http';

export type PumpOutcome = 'complete' | 'aborted' | 'stalled' | 'closed';

/**
 * Writes `chunks` to `response`, waiting for `drain` whenever the socket's buffer is full, so a
 * slow viewer holds at most one chunk beyond the socket's high-water mark (the chunks are shared
 * views of the log, never copies). A viewer that takes nothing for `stallTimeoutMs` while data
 * waits is dropped. Only a complete stream ends the response cleanly (the chunked terminator);
 * every other outcome destroys it, so a client can tell a cut stream from a finished one and
 * resume from what it has.
 */
export async function pumpStream(
  chunks: AsyncIterable<Uint8Array>,
  response: ServerResponse,
  signal: AbortSignal,
  stallTimeoutMs: number,
): Promise<PumpOutcome> {
  let outcome: PumpOutcome = 'complete';
  try {
    for await (const chunk of chunks) {
      if (response.destroyed) {
        outcome = 'closed';
        break;
      }
      if (!response.write(chunk)) {
        const drained = await drainOf(response, signal, stallTimeoutMs);
        if (drained !== 'drained') {
          outcome = drained;
          break;
        }
      }
    }
  } catch (error) {
    response.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (outcome === 'complete' && signal.aborted) outcome = response.destroyed ? 'closed' : 'aborted';
  if (outcome === 'complete') response.end();
  else response.destroy();
  return outcome;
}

function drainOf(
  response: ServerResponse,
  signal: AbortSignal,
  stallTimeoutMs: number,
): Promise<'drained' | 'aborted' | 'stalled' | 'closed'> {
  return new Promise((resolve) => {
    const finish = (result: 'drained' | 'aborted' | 'stalled' | 'closed'): void => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onDrain = (): void => finish('drained');
    const onClose = (): void => finish('closed');
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('stalled'), stallTimeoutMs);
    response.on('drain', onDrain);
    response.on('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
