import type { Clock } from '../ports/clock.js';

interface PendingSleep {
  readonly dueMs: number;
  readonly order: number;
  readonly wake: () => void;
}

/**
 * A clock that only moves when a test says so. `advance()` fires due sleeps in deadline order,
 * and lets the woken code run to its next wait before moving on, so a whole timeline (hours of
 * grace periods and timeouts) runs in milliseconds and the same way every time.
 */
export class ManualClock implements Clock {
  #nowMs: number;
  #order = 0;
  #pending: PendingSleep[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const entry: PendingSleep = {
        dueMs: this.#nowMs + Math.max(0, ms),
        order: this.#order++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#pending = this.#pending.filter((p) => p !== entry);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.push(entry);
    });
  }

  /** Moves time forward by `ms`, firing every sleep that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.#nowMs + ms;
    await settle();
    for (let next = this.#nextDue(targetMs); next !== undefined; next = this.#nextDue(targetMs)) {
      this.#pending = this.#pending.filter((p) => p !== next);
      this.#nowMs = next.dueMs;
      next.wake();
      await settle();
    }
    this.#nowMs = targetMs;
    await settle();
  }

  /** Moves time to an absolute point, measured from the clock's start. */
  async advanceTo(msSinceStart: number, startMs = Date.UTC(2026, 0, 1)): Promise<void> {
    await this.advance(startMs + msSinceStart - this.#nowMs);
  }

  #nextDue(targetMs: number): PendingSleep | undefined {
    let best: PendingSleep | undefined;
    for (const p of this.#pending) {
      if (p.dueMs > targetMs) continue;
      if (best === undefined || p.dueMs < best.dueMs || (p.dueMs === best.dueMs && p.order < best.order)) {
        best = p;
      }
    }
    return best;
  }
}

/**
 * Lets every pending promise continuation run. A macrotask boundary drains the whole microtask
 * queue; two of them cover continuations queued by the first round. Test support only: the
 * runtime core never touches real timers.
 */
export async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    // eslint-disable-next-line no-restricted-globals -- test support: drains microtasks, does not measure time
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
