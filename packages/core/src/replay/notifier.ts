/** Wakes everyone waiting for "something changed" at once, with one shared promise. */
export class Notifier {
  #next: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  next(): Promise<void> {
    this.#next ??= new Promise((resolve) => (this.#wake = resolve));
    return this.#next;
  }

  notify(): void {
    const wake = this.#wake;
    this.#next = undefined;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Resolves when `next` does or `signal` aborts, whichever comes first, and leaves no listener
 * behind on the long-lived signal (a replay waits on it once per writer change).
 */
export async function untilNextOrAborted(next: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([next, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * `first` (when not empty), then the rest of `iterator`. A plain iterator rather than an async
 * generator: every chunk of every writer passes through here, and a generator would add its own
 * promise round trip to each.
 */
export function prepend(first: Uint8Array, iterator: AsyncIterator<Uint8Array>): AsyncIterable<Uint8Array> {
  let pending: Uint8Array | undefined = first.length > 0 ? first : undefined;
  const prepended: AsyncIterator<Uint8Array> = {
    next: () => {
      if (pending === undefined) return iterator.next();
      const value = pending;
      pending = undefined;
      return Promise.resolve({ done: false, value });
    },
    return: (value?: unknown) =>
      iterator.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  };
  return { [Symbol.asyncIterator]: () => prepended };
}
