import { setTimeout as delay } from 'node:timers/promises';
import { ClientError } from './client-error.js';
import type { ConnectionEnding } from './client-link.js';
import type { ReadResult } from './read-game.js';
import { ReceivedStream } from './received-stream.js';
import type { ReceivedProgress } from './received-stream.js';

export interface HttpStreamOptions {
  /** Every chunk, in order; a returned promise holds back the next one. */
  readonly onChunk?: ((chunk: Uint8Array) => void | Promise<void>) | undefined;
  readonly onProgress?: ((progress: ReceivedProgress) => void) | undefined;
  /** Follow the header and ticks without `onProgress`, for the summary. */
  readonly track?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Until this time (`performance.now()` ms), a game not watchable yet (503, waiting its
   * `Retry-After`), not listed yet (404) or a server not reachable yet is asked again. Default: ask once.
   */
  readonly retryUntilMs?: number | undefined;
  /** Resumes in a row that bring no byte before giving up. Default 5. */
  readonly maxResumes?: number | undefined;
  /** The pause before resuming a cut stream, and the longest wait for a `Retry-After`. Default 1 s / 30 s. */
  readonly resumeDelayMs?: number | undefined;
  readonly onRetry?: ((why: string) => void) | undefined;
}

export interface HttpStreamResult extends ReadResult {
  /** How often a cut stream was resumed from the offset it had. */
  readonly resumes: number;
  /** The status of a refusal (404 not live, 410 ended, 401/403 token), when the server refused. */
  readonly refusedStatus: number | null;
}

type Attempt =
  | { readonly kind: 'complete' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'cut'; readonly reason: string; readonly connected: boolean }
  | {
      readonly kind: 'refused';
      readonly status: number;
      readonly reason: string;
      readonly retryAfterS: number;
    };

/** An attempt that may be worth another. */
type Unfinished = Exclude<Attempt, { kind: 'complete' | 'aborted' }>;

const MAX_RETRY_AFTER_MS = 30_000;

/**
 * Watches a game over the HTTP API: `GET .../games/<id>/stream?offset=N`, and after a dropped
 * connection asks again from the offset it has, so the bytes it hands on are exactly the
 * stream, each once. A response the server ends cleanly is the whole game; a cut one is resumed.
 */
export async function readHttpStream(
  url: string,
  options: HttpStreamOptions = {},
): Promise<HttpStreamResult> {
  const progress = new HttpStreamProgress(options);
  let fruitless = 0;
  for (;;) {
    const before = progress.offset;
    const attempt = await attemptOnce(streamUrl(url, progress.offset), options, (chunk) =>
      progress.take(chunk),
    );
    if (attempt.kind === 'complete') return progress.finish({ kind: 'end' });
    if (attempt.kind === 'aborted') return progress.finish({ kind: 'aborted' });
    const waitMs = nextWait(attempt, progress.offset, options);
    if (waitMs === undefined) return gaveUp(url, attempt, progress);
    if (attempt.kind === 'cut') {
      fruitless = progress.offset > before ? 0 : fruitless + 1;
      if (fruitless > (options.maxResumes ?? 5))
        return progress.finish({ kind: 'failed', code: 'ECONNRESET', reason: attempt.reason });
      progress.countResume();
    }
    options.onRetry?.(attempt.reason);
    const waited = await delay(waitMs, true, { signal: options.signal }).catch(() => false);
    if (!waited) return progress.finish({ kind: 'aborted' });
  }
}

/** What a watch has taken so far, over every attempt: the offset to resume from, and the summary. */
class HttpStreamProgress {
  readonly #options: HttpStreamOptions;
  readonly #received: ReceivedStream | null;
  #offset = 0;
  #resumes = 0;

  constructor(options: HttpStreamOptions) {
    this.#options = options;
    const tracked = options.track === true || options.onProgress !== undefined;
    this.#received = tracked ? new ReceivedStream() : null;
  }

  get offset(): number {
    return this.#offset;
  }

  async take(chunk: Uint8Array): Promise<void> {
    // The offset moves only once the chunk was taken: a resume after a failed handler asks
    // for that chunk again, never leaving a gap.
    await this.#options.onChunk?.(chunk);
    this.#offset += chunk.length;
    if (this.#received !== null) {
      this.#received.push(chunk);
      this.#options.onProgress?.(this.#received);
    }
  }

  /** Asking again with no byte yet is a retry, not a resume. */
  countResume(): void {
    if (this.#offset > 0) this.#resumes++;
  }

  finish(ending: ConnectionEnding, refusedStatus: number | null = null): HttpStreamResult {
    return {
      ending,
      receivedBytes: this.#offset,
      summary: this.#received?.finish() ?? null,
      resumes: this.#resumes,
      refusedStatus,
    };
  }
}

/** The result once asking again is pointless; a server never reached at all is an error. */
function gaveUp(url: string, attempt: Unfinished, progress: HttpStreamProgress): HttpStreamResult {
  if (attempt.kind === 'cut' && !attempt.connected && progress.offset === 0) {
    throw new ClientError('SERVER_UNREACHABLE', `cannot reach ${url}: ${attempt.reason}`);
  }
  const status = attempt.kind === 'refused' ? attempt.status : null;
  const code = status === null ? 'ECONNRESET' : `HTTP_${status}`;
  return progress.finish({ kind: 'failed', code, reason: attempt.reason }, status);
}

/** How long to wait before asking again, or undefined to stop. */
function nextWait(attempt: Unfinished, offset: number, options: HttpStreamOptions): number | undefined {
  const resumeDelayMs = options.resumeDelayMs ?? 1_000;
  const retrying = performance.now() < (options.retryUntilMs ?? Number.NEGATIVE_INFINITY);
  if (attempt.kind === 'cut') return offset > 0 || attempt.connected || retrying ? resumeDelayMs : undefined;
  const early = attempt.status === 503 || (attempt.status === 404 && offset === 0);
  if (!early || !retrying) return undefined;
  return Math.min(Math.max(attempt.retryAfterS * 1000, resumeDelayMs), MAX_RETRY_AFTER_MS);
}

async function attemptOnce(
  url: string,
  options: HttpStreamOptions,
  take: (chunk: Uint8Array) => Promise<void>,
): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal ?? null, cache: 'no-store' });
  } catch (error) {
    if (options.signal?.aborted === true) return { kind: 'aborted' };
    return { kind: 'cut', reason: describe(error), connected: false };
  }
  if (response.status !== 200 || response.body === null) return refusal(response);
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { kind: 'complete' };
      await take(value);
    }
  } catch (error) {
    if (options.signal?.aborted === true) return { kind: 'aborted' };
    return { kind: 'cut', reason: describe(error), connected: true };
  }
}

async function refusal(response: Response): Promise<Attempt> {
  const text = await response.text().catch(() => '');
  let reason = `${response.status} ${response.statusText}`;
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') reason = `${response.status}: ${body.message}`;
  } catch {
    // Not JSON: the status says it.
  }
  const retryAfterS = Number(response.headers.get('retry-after') ?? '1');
  return {
    kind: 'refused',
    status: response.status,
    reason,
    retryAfterS: Number.isFinite(retryAfterS) ? retryAfterS : 1,
  };
}

function streamUrl(url: string, offset: number): string {
  const parsed = new URL(url);
  if (offset > 0) parsed.searchParams.set('offset', String(offset));
  return parsed.href;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
