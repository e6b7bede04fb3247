import { ConnectionError } from '../errors.js';
import type { ConnectionResult } from '../ports/server-events.js';
import { ScfaHeaderScanner } from '../protocol/index.js';
import type { WriterStream } from '../streams/index.js';

export interface WriterOutcome {
  readonly result: ConnectionResult;
  /** Why the writer ended other than by a clean end of stream. */
  readonly reason?: string;
}

export interface WriterStreamEvents {
  /** The writer's SCFA header is complete; its body follows. */
  headerReceived(header: Uint8Array): void;
  bytesReceived(bytes: number): void;
}

/**
 * Reads one writer's stream after its connection header: the SCFA header (walked structurally,
 * capped at 1 MiB), then the body into `stream`. An abnormal end keeps the data received so
 * far; a bad header discards the writer's data (its stream stays empty).
 */
export async function receiveWriterStream(
  input: AsyncIterable<Uint8Array>,
  stream: WriterStream,
  events: WriterStreamEvents,
): Promise<WriterOutcome> {
  const scanner = new ScfaHeaderScanner();
  let headerDone = false;
  try {
    for await (const chunk of input) {
      events.bytesReceived(chunk.length);
      if (headerDone) {
        stream.append(chunk);
        continue;
      }
      const step = scanner.push(chunk);
      if (step.status === 'rejected') return badHeader(step.reason);
      if (step.status === 'complete') {
        headerDone = true;
        events.headerReceived(step.header);
        if (step.rest.length > 0) stream.append(step.rest);
      }
    }
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    return { result: 'I/O error', reason: error.message };
  }
  if (!headerDone) {
    const step = scanner.end();
    return badHeader(step.status === 'rejected' ? step.reason : 'stream ended inside the replay header');
  }
  return { result: 'Success' };
}

function badHeader(reason: string): WriterOutcome {
  return { result: 'Bad data', reason: `invalid replay header: ${reason}` };
}
