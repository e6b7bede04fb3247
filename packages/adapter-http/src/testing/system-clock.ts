import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '@faf-replay/core';

/** Read through a function: the flag changes while the sleep is awaited. */
const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/** The real clock, for tests that run a server in real time (the browser test, the bench). */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (isAborted(signal)) return;
    try {
      await delay(ms, undefined, signal === undefined ? undefined : { signal });
    } catch (error) {
      if (!isAborted(signal)) throw error;
    }
  },
});
