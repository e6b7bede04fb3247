/**
 * Wakes everyone waiting for "something changed" at once: one shared set of wakers, and no
 * listener left behind on a caller's signal. (A copy of core's `Changes`, which core does not export.)
 */
export class Changes {
  readonly #wakers = new Set<() => void>();

  /** Resolves on the next `notify()`, or when `signal` aborts. */
  next(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve();
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

  notify(): void {
    if (this.#wakers.size === 0) return;
    const wakers = [...this.#wakers];
    this.#wakers.clear();
    for (const wake of wakers) wake();
  }
}
