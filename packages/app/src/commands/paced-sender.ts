import { setTimeout as delay } from 'node:timers/promises';
import { TICKS_PER_SECOND } from './format.js';
import type { FrameSchedule } from './frame-schedule.js';

/** Time for pacing; the real one is `systemPacingClock`, tests use a fake that jumps. */
export interface PacingClock {
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemPacingClock: PacingClock = Object.freeze({
  now: () => performance.now(),
  sleep: (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }),
});

/** 1 is real time; `Infinity` sends as fast as the socket takes it. */
export type Speed = number;

/** The largest single write: keeps backpressure meaningful when much is due at once. */
const MAX_SEND_BYTES = 64 * 1024;

/** Absorbs float rounding, so that waking at a tick's exact time counts as that tick. */
const EPSILON_MS = 1e-6;

/**
 * Sends a recorded body as the game did: the bytes of tick t at t/10 s, divided by `speed`,
 * measured from the call. `send` is awaited, so a slow socket delays (never reorders) the rest.
 */
export async function sendPaced(
  body: Uint8Array,
  schedule: FrameSchedule,
  speed: Speed,
  send: (chunk: Uint8Array) => Promise<void>,
  options: { clock?: PacingClock | undefined; signal?: AbortSignal | undefined } = {},
): Promise<void> {
  const clock = options.clock ?? systemPacingClock;
  const msPerTick = 1000 / TICKS_PER_SECOND / speed;
  const startMs = clock.now();
  let sent = 0;
  while (sent < body.length) {
    const tick = speed === Infinity ? Infinity : Math.floor((clock.now() - startMs + EPSILON_MS) / msPerTick);
    const due = schedule.dueBytesAt(tick);
    for (; sent < due; sent = Math.min(sent + MAX_SEND_BYTES, due)) {
      await send(body.subarray(sent, Math.min(sent + MAX_SEND_BYTES, due)));
    }
    if (sent >= body.length) return;
    const waitMs = startMs + schedule.tickOf(sent) * msPerTick - clock.now();
    if (waitMs > 0) await clock.sleep(waitMs, options.signal);
  }
}
