import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkedTimeout, IoTimeoutError, withIoTimeout } from './io-watchdog.js';

const never = (): Promise<never> => new Promise<never>(() => undefined);
const after = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('withIoTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects with an IoTimeoutError when the work makes no progress, without waiting for it', async () => {
    // TIMELINE (bound 1 s): the work never settles; at t=1 s the call fails
    const failed = withIoTimeout(1_000, 'reading a hung disk', never).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await failed).toBeInstanceOf(IoTimeoutError);
    expect(await failed).toMatchObject({
      code: 'IO_TIMEOUT',
      message: 'reading a hung disk: no progress for 1000 ms',
    });
  });

  it('lets work run past its bound while each step makes progress', async () => {
    // TIMELINE (bound 1 s): five steps of 0.6 s each; done at t=3 s
    const saving = withIoTimeout(1_000, 'a long save', async (watchdog) => {
      for (let step = 0; step < 5; step++) await watchdog.step(() => after(600));
      return 'done';
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await saving).toBe('done');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses to start a step once the bound has passed, so nothing is published late', async () => {
    // TIMELINE (bound 1 s): the first step takes 1.5 s; the call fails at t=1 s; the second step never runs
    const late: string[] = [];
    let work: Promise<void> = Promise.resolve();
    const failed = withIoTimeout(1_000, 'a save', (watchdog) => {
      work = (async () => {
        await watchdog.step(() => after(1_500));
        await watchdog.step(() => {
          late.push('linked');
          return Promise.resolve();
        });
      })();
      return work;
    }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await failed).toBeInstanceOf(IoTimeoutError);
    const ended = work.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await ended).toBeInstanceOf(IoTimeoutError);
    expect(late).toEqual([]);
  });
});

describe('checkedTimeout', () => {
  it('refuses a bound that is not a positive number of milliseconds', () => {
    expect(() => checkedTimeout(0)).toThrow(RangeError);
    expect(() => checkedTimeout(Number.NaN)).toThrow(RangeError);
    expect(checkedTimeout(60_000)).toBe(60_000);
  });
});
