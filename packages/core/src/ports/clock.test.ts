import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { timerClock } from './clock.js';

/** Timers that fire only when the test says so, and tell which are pending. */
class FakeTimers {
  nowMs = 1_000;
  readonly pending = new Map<number, { readonly callback: () => void; readonly ms: number }>();
  #next = 1;

  now(): number {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.#next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }

  clearTimeout(handle: number): void {
    this.pending.delete(handle);
  }

  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.callback();
  }
}

/** Whether `promise` has settled once queued callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('timerClock', () => {
  it('reads the time from its timers', () => {
    const timers = new FakeTimers();
    const clock = timerClock(timers);
    timers.nowMs = 5_000;
    expect(clock.now()).toBe(5_000);
  });

  it('resolves a sleep when its timer fires, and then lets go of the signal', async () => {
    const timers = new FakeTimers();
    const controller = new AbortController();
    const sleep = timerClock(timers).sleep(250, controller.signal);
    expect([...timers.pending.values()].map((timer) => timer.ms)).toEqual([250]);
    expect(await settled(sleep)).toBe(false);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    timers.fireAll();
    expect(await settled(sleep)).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('resolves, never rejects, when the signal aborts, and clears the timer', async () => {
    const timers = new FakeTimers();
    const controller = new AbortController();
    const sleep = timerClock(timers).sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleep).resolves.toBeUndefined();
    expect(timers.pending.size).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('resolves at once, with no timer, for a signal already aborted', async () => {
    const timers = new FakeTimers();
    await expect(timerClock(timers).sleep(60_000, AbortSignal.abort())).resolves.toBeUndefined();
    expect(timers.pending.size).toBe(0);
  });

  it('sleeps without a signal', async () => {
    const timers = new FakeTimers();
    const sleep = timerClock(timers).sleep(10);
    timers.fireAll();
    await expect(sleep).resolves.toBeUndefined();
  });
});
