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
    onAbort = resolve;
    signal.addEventListener('abort', resolve, { once: true });
  });
  try {
    await Promise.race([next, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** Yields `first` (when not empty), then the rest of `iterator`. */
export async function* prepend(
  first: Uint8Array,
  iterator: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (first.length > 0) yield first;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return;
    yield next.value;
  }
}
