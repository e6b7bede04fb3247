import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '@faf-replay/core';

/** The real clock. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted === true) return;
    try {
      await delay(ms, undefined, signal === undefined ? undefined : { signal });
    } catch (error) {
      if (!(signal?.aborted === true)) throw error;
    }
  },
});
