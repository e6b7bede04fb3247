import { checkDurationMs } from './connection-options.js';

/**
 * Turns a burst of events into at most one report per interval, for log lines about floods
 * (connections refused at the limit): the first event is reported at once, the ones after it
 * within `intervalMs` are counted and reported together when the interval ends, with the latest
 * of them. No event is ever left unreported, and a quiet period costs no timer.
 */
export class LogThrottle<T> {
  readonly #intervalMs: number;
  readonly #report: (latest: T, count: number) => void;
  #timer: NodeJS.Timeout | undefined;
  #pending: { latest: T; count: number } | undefined;

  /** `report` gets the latest event of the batch and how many events it stands for. */
  constructor(intervalMs: number, report: (latest: T, count: number) => void) {
    checkDurationMs('intervalMs', intervalMs);
    this.#intervalMs = intervalMs;
    this.#report = report;
  }

  record(event: T): void {
    if (this.#timer === undefined) {
      this.#report(event, 1);
      this.#startInterval();
      return;
    }
    this.#pending = { latest: event, count: (this.#pending?.count ?? 0) + 1 };
  }

  /** Reports what is pending now and stops the timer (at shutdown). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#reportPending();
  }

  #startInterval(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#reportPending()) this.#startInterval();
    }, this.#intervalMs);
    this.#timer.unref();
  }

  /** True when something was reported. */
  #reportPending(): boolean {
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending === undefined) return false;
    this.#report(pending.latest, pending.count);
    return true;
  }
}
