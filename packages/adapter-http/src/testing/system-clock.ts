import { timerClock } from '@faf-replay/core';
import type { Clock } from '@faf-replay/core';

/** The real clock, for tests that run a server in real time (the browser test, the bench). */
export const systemClock: Clock = timerClock({ now: () => Date.now(), setTimeout, clearTimeout });
