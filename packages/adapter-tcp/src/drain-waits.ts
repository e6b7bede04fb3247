export type DrainOutcome = 'drained' | 'closed' | 'timeout';

/**
 * The waits of one connection's writes for its transport's `drain` (or close). Each wait is a
 * callback removed when it settles: a race against a promise that lives as long as the
 * connection would keep one reaction per full-buffer write until the connection closes.
 */
export class DrainWaits {
  readonly #waits = new Set<(outcome: DrainOutcome) => void>();

  /** Resolves at the next `settle`, or with `'timeout'` after `timeoutMs`. */
  wait(timeoutMs: number): Promise<DrainOutcome> {
    return new Promise((resolve) => {
      const settle = (outcome: DrainOutcome): void => {
        clearTimeout(timer);
        this.#waits.delete(settle);
        resolve(outcome);
      };
      const timer = setTimeout(settle, timeoutMs, 'timeout');
      this.#waits.add(settle);
    });
  }

  /** Ends every wait under way with `outcome`. */
  settle(outcome: 'drained' | 'closed'): void {
    for (const settle of [...this.#waits]) settle(outcome);
  }
}
