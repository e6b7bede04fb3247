import { setTimeout as delay } from 'node:timers/promises';
import type { GameId } from '@faf-replay/core';
import { firstDifference } from './first-difference.js';
import { formatCount } from './format.js';
import { readGame } from './read-game.js';
import type { ReadEnding } from './read-game.js';
import { ReceivedStream } from './received-stream.js';
import type { ServerAddress } from './server-address.js';

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

const RETRY_MS = 200;

/** Watches a simulated game to its end and checks what arrived. */
export async function readAndVerify(options: VerifyingReaderOptions): Promise<ReaderResult> {
  for (;;) {
    const chunks: Buffer[] = [];
    const ending = await readGame(options, (chunk) => {
      chunks.push(chunk);
      options.progress.bytesReceived += chunk.length;
    });
    const received = Buffer.concat(chunks);
    if (received.length > 0 || ending.kind !== 'closed' || performance.now() >= options.retryUntilMs) {
      return {
        name: options.name,
        bytesReceived: received.length,
        ...verdictOf(ending, received, options.expectation),
      };
    }
    const slept = await delay(RETRY_MS, true, { signal: options.signal }).catch(() => false);
    if (!slept)
      return { name: options.name, bytesReceived: 0, verdict: 'interrupted', detail: 'interrupted' };
  }
}

function verdictOf(
  ending: ReadEnding,
  received: Buffer,
  expectation: ReaderExpectation,
): Pick<ReaderResult, 'verdict' | 'detail'> {
  if (ending.kind === 'interrupted') return { verdict: 'interrupted', detail: 'interrupted' };
  if (ending.kind === 'failed')
    return { verdict: 'failed', detail: `the connection broke: ${ending.reason}` };
  if (received.length === 0)
    return { verdict: 'failed', detail: 'the server sent nothing (the game was not running)' };
  return expectation.kind === 'exact'
    ? exactVerdict(received, expectation.stream)
    : mergedVerdict(received, expectation);
}

function exactVerdict(received: Buffer, expected: Uint8Array): Pick<ReaderResult, 'verdict' | 'detail'> {
  const at = firstDifference(received, expected);
  if (at === -1) {
    return { verdict: 'ok', detail: `received exactly the ${formatCount(expected.length)} bytes sent` };
  }
  if (at === received.length) {
    const sent = `${formatCount(received.length)} of the ${formatCount(expected.length)} bytes sent`;
    return { verdict: 'failed', detail: `the stream ended early: received the first ${sent}` };
  }
  return {
    verdict: 'failed',
    detail:
      `differs from the sent stream at byte ${formatCount(at)} ` +
      `(received ${formatCount(received.length)} of ${formatCount(expected.length)} bytes)`,
  };
}

function mergedVerdict(
  received: Buffer,
  expectation: Extract<ReaderExpectation, { kind: 'merged' }>,
): Pick<ReaderResult, 'verdict' | 'detail'> {
  const stream = new ReceivedStream();
  stream.push(received);
  const summary = stream.finish();
  const header = summary.headerBytes === null ? null : received.subarray(0, summary.headerBytes);
  if (header === null || !expectation.headers.some((sent) => firstDifference(header, sent) === -1)) {
    return { verdict: 'failed', detail: 'the header received is none of the headers sent' };
  }
  if (summary.body?.status !== 'ok')
    return { verdict: 'failed', detail: `the merged body is ${summary.body?.status ?? 'missing'}` };
  return {
    verdict: 'ok',
    detail: `a writer's header and a merged body of ${formatCount(summary.body.ticks)} ticks`,
  };
}
