import { setTimeout as delay } from 'node:timers/promises';
import { ClientError } from './client-error.js';
import type { ConnectionEnding } from './client-link.js';
import { ReplayReader } from './replay-reader.js';
import type { ReplayReaderOptions } from './replay-reader.js';
import type { ReceivedStreamSummary } from './received-stream.js';
import type { ServerAddress } from './server-address.js';

export interface ReadGameOptions extends ReplayReaderOptions {
  /**
   * Until this time (`performance.now()` ms), a server that closes without sending anything
   * (the game has not started yet) is asked again. Default: ask once.
   */
  readonly retryUntilMs?: number | undefined;
  /** The pause before asking again (default 1 s). */
  readonly retryIntervalMs?: number | undefined;
  /** Ask again, within `retryUntilMs`, while the server cannot be reached either (it may be starting). */
  readonly retryUnreachable?: boolean | undefined;
  /** Before each new attempt. */
  readonly onRetry?: (() => void) | undefined;
}

export interface ReadResult {
  readonly ending: ConnectionEnding;
  readonly receivedBytes: number;
  /** What the stream held, with `track` or `onProgress`; null otherwise. */
  readonly summary: ReceivedStreamSummary | null;
}

const ABORTED: ReadResult = Object.freeze({
  ending: { kind: 'aborted' } as const,
  receivedBytes: 0,
  summary: null,
});
const DEFAULT_RETRY_INTERVAL_MS = 1_000;

/**
 * Watches game N as the FAF client does: connects as a reader and streams what the server sends
 * until it closes. Failing to connect throws a `ClientError` (`SERVER_UNREACHABLE`) unless it is
 * retried; an abort (the signal) ends it with `aborted`.
 */
export async function readGame(address: ServerAddress, options: ReadGameOptions): Promise<ReadResult> {
  const retryUntilMs = options.retryUntilMs ?? Number.NEGATIVE_INFINITY;
  for (;;) {
    const result = await readOnce(address, options, retryUntilMs);
    if (result !== 'retry') return result;
    options.onRetry?.();
    const waited = await delay(options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS, true, {
      signal: options.signal,
    }).catch(() => false);
    if (!waited) return ABORTED;
  }
}

async function readOnce(
  address: ServerAddress,
  options: ReadGameOptions,
  retryUntilMs: number,
): Promise<ReadResult | 'retry'> {
  let reader: ReplayReader;
  try {
    reader = await ReplayReader.connect(address, options);
  } catch (error) {
    if (options.signal?.aborted === true) return ABORTED;
    const unreachable = error instanceof ClientError && error.code === 'SERVER_UNREACHABLE';
    if (unreachable && options.retryUnreachable === true && performance.now() < retryUntilMs) return 'retry';
    throw error;
  }
  const ending = await reader.closed;
  const nothing = ending.kind === 'end' && reader.receivedBytes === 0;
  if (nothing && performance.now() < retryUntilMs) return 'retry';
  return { ending, receivedBytes: reader.receivedBytes, summary: reader.summary() };
}

/** Reads game N to its end and keeps every byte: for tests and small tools. */
export async function collectGame(
  address: ServerAddress,
  options: ReadGameOptions,
): Promise<ReadResult & { readonly bytes: Buffer }> {
  const chunks: Buffer[] = [];
  const onChunk = (chunk: Buffer): void | Promise<void> => {
    chunks.push(chunk);
    return options.onChunk?.(chunk);
  };
  const result = await readGame(address, { ...options, onChunk });
  return { ...result, bytes: Buffer.concat(chunks) };
}
