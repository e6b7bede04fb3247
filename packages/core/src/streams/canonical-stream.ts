import type { CanonicalStorage } from './canonical-storage.js';
import { MemoryCanonicalStorage } from './memory-canonical-storage.js';
import { StreamStateError } from './stream-state-error.js';

/**
 * The merged stream that every reader reads: the canonical header, the merged body (which may
 * run ahead of what readers may see), the delayed length that caps what readers get, and
 * whether the merge is over (spec §5.2, §5.3).
 *
 * Readers hold only a cursor into the shared storage. All of them wait on one set of wakers,
 * woken on every header, delayed-length or finish change: no timer or copy per reader.
 */
export class CanonicalStream {
  readonly #storage: CanonicalStorage;
  readonly #wakers = new Set<() => void>();
  #header: Uint8Array | undefined;
  #delayedLength = 0;
  #finished = false;

  constructor(storage: CanonicalStorage = new MemoryCanonicalStorage()) {
    this.#storage = storage;
  }

  get header(): Uint8Array | undefined {
    return this.#header;
  }

  /** The first header wins (spec §2.5); returns whether this one was taken. */
  setHeader(header: Uint8Array): boolean {
    if (this.#header !== undefined || this.#finished) return false;
    this.#header = header;
    this.#wake();
    return true;
  }

  get length(): number {
    return this.#storage.length;
  }

  get delayedLength(): number {
    return this.#delayedLength;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Merged body bytes (copied into the storage). */
  append(bytes: Uint8Array): void {
    if (this.#finished) throw new StreamStateError('canonical stream appended to after it finished');
    this.#storage.append(bytes);
  }

  /** Views of the merged body in [from, to), delayed or not: what the merge compares against. */
  slices(from: number, to: number): Uint8Array[] {
    return this.#storage.read(from, to);
  }

  /** Lets readers see up to `position`, capped at the length; never moves backwards. */
  advanceDelayedTo(position: number): void {
    const target = Math.min(position, this.length);
    if (target <= this.#delayedLength) return;
    this.#delayedLength = target;
    this.#wake();
  }

  /** The merge is over: readers get everything, then their end. Idempotent. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#delayedLength = this.length;
    this.#storage.finish();
    this.#wake();
  }

  /** All body bytes as views (for saving), without copying the whole. */
  body(): Uint8Array[] {
    return this.#storage.read(0, this.length);
  }

  /**
   * What one reader receives: the header as soon as it exists (not delayed), then body bytes up
   * to the delayed length as it advances. Returns once finished and everything was yielded, at
   * once if finished without a header, or when `signal` aborts. Yields shared views: a reader
   * must not mutate them.
   */
  read(signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return this.#read(signal);
  }

  async *#read(signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, void, undefined> {
    const aborted = (): boolean => signal?.aborted === true;
    const header = await this.#headerOrEnd(signal);
    if (header === undefined) return;
    yield header;
    let cursor = 0;
    while (!aborted()) {
      const end = this.#delayedLength;
      if (cursor < end) {
        for (const view of this.#storage.read(cursor, end)) {
          yield view;
          if (aborted()) return;
        }
        cursor = end;
      } else if (this.#finished) {
        return;
      } else {
        await this.#changed(signal);
      }
    }
  }

  async #headerOrEnd(signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
    while (this.#header === undefined && !this.#finished && signal?.aborted !== true) {
      await this.#changed(signal);
    }
    return signal?.aborted === true ? undefined : this.#header;
  }

  /** Resolves on the next change, or when `signal` aborts. */
  #changed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#wakers.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.#wakers.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  #wake(): void {
    const wakers = [...this.#wakers];
    this.#wakers.clear();
    for (const wake of wakers) wake();
  }
}
