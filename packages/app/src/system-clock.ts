import { timerClock } from '@faf-replay/core';
import type { Clock } from '@faf-replay/core';

/** The real clock. */
export const systemClock: Clock = timerClock({ now: () => Date.now(), setTimeout, clearTimeout });
