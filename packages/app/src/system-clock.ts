import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '@faf-replay/core';

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/** The real clock. */
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
