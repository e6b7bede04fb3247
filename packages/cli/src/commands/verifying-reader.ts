import { firstDifference, readGame, StreamCheck } from '@faf-replay/client';
import type { ReceivedStreamSummary, ServerAddress } from '@faf-replay/client';
import type { GameId } from '@faf-replay/core';
import { formatCount } from './format.js';

/**
 * What a reader must receive: exactly the writers' stream when they all sent the same one;
 * otherwise (streams that diverge) one of their headers and a body that walks to its end.
 */
export type ReaderExpectation =
  | { readonly kind: 'exact'; readonly stream: Uint8Array }
  | { readonly kind: 'merged'; readonly headers: readonly Uint8Array[] };

export interface ReaderResult {
  readonly name: string;
  readonly bytesReceived: number;
  readonly verdict: 'ok' | 'failed' | 'interrupted';
  readonly detail: string;
}

export interface VerifyingReaderOptions {
  readonly address: ServerAddress;
  readonly gameId: GameId;
  readonly name: string;
  readonly expectation: ReaderExpectation;
  /** Live count for the progress line. */
  readonly progress: { bytesReceived: number };
  /** A reader the server turns away with nothing (the game not registered yet) asks again until then. */
  readonly retryUntilMs: number;
  readonly signal?: AbortSignal | undefined;
}

type Verdict = Pick<ReaderResult, 'verdict' | 'detail'>;

const RETRY_MS = 200;

/** Watches a simulated game to its end and checks what arrived, as it arrives. */
export async function readAndVerify(options: VerifyingReaderOptions): Promise<ReaderResult> {
  const { expectation } = options;
  const check = expectation.kind === 'exact' ? new StreamCheck(expectation.stream) : null;
  const result = await readGame(options.address, {
    ...options,
    retryIntervalMs: RETRY_MS,
    track: expectation.kind === 'merged',
    onChunk: (chunk) => {
      check?.push(chunk);
      options.progress.bytesReceived += chunk.length;
    },
  });
  const { ending, receivedBytes } = result;
  const verdict: Verdict =
    ending.kind === 'aborted'
      ? { verdict: 'interrupted', detail: 'interrupted' }
      : ending.kind === 'failed'
        ? { verdict: 'failed', detail: `the connection broke: ${ending.reason}` }
        : receivedBytes === 0
          ? { verdict: 'failed', detail: 'the server sent nothing (the game was not running)' }
          : check !== null
            ? exactVerdict(check, receivedBytes)
            : mergedVerdict(result.summary, expectation);
  return { name: options.name, bytesReceived: receivedBytes, ...verdict };
}

function exactVerdict(check: StreamCheck, received: number): Verdict {
  const verdict = check.verdict();
  if (verdict.status === 'ok') {
    return { verdict: 'ok', detail: `received exactly the ${formatCount(received)} bytes sent` };
  }
  const expected = formatCount(verdict.expectedBytes);
  if (verdict.status === 'short') {
    const sent = `${formatCount(received)} of the ${expected} bytes sent`;
    return { verdict: 'failed', detail: `the stream ended early: received the first ${sent}` };
  }
  return {
    verdict: 'failed',
    detail:
      `differs from the sent stream at byte ${formatCount(verdict.offset)} ` +
      `(received ${formatCount(received)} of ${expected} bytes)`,
  };
}

function mergedVerdict(summary: ReceivedStreamSummary | null, expectation: ReaderExpectation): Verdict {
  const header = summary?.header ?? null;
  const headers = expectation.kind === 'merged' ? expectation.headers : [];
  if (header === null || !headers.some((sent) => firstDifference(header, sent) === -1)) {
    return { verdict: 'failed', detail: 'the header received is none of the headers sent' };
  }
  const body = summary?.body;
  if (body?.status !== 'ok')
    return { verdict: 'failed', detail: `the merged body is ${body?.status ?? 'missing'}` };
  return { verdict: 'ok', detail: `a writer's header and a merged body of ${formatCount(body.ticks)} ticks` };
}
