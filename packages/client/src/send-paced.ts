import { setTimeout as delay } from 'node:timers/promises';
import type { FrameSchedule } from './frame-schedule.js';
import { TICKS_PER_SECOND } from './protocol.js';

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

/** Game time per wall time: 1 is real time; `Infinity` sends as fast as the connection takes it. */
export type Speed = number;

/** What pacing drives: a writer of the whole stream (see `ReplayWriter`). */
export interface PacedTarget {
  /** Makes the stream's bytes up to `offset` due. */
  sendUpTo(offset: number): void;
  /** True once every due byte went to the connection; false if it closed first. */
  flushed(): Promise<boolean>;
}

export interface PacingOptions {
  /** Where the body starts in the target's stream (after the SCFA header). */
  readonly from?: number | undefined;
  readonly clock?: PacingClock | undefined;
  /** Aborting rejects with an AbortError while pacing waits. */
  readonly signal?: AbortSignal | undefined;
}

/** Absorbs float rounding, so that waking at a tick's exact time counts as that tick. */
const EPSILON_MS = 1e-6;

/**
 * Sends a recorded body as the game did: the bytes of tick t at t/10 s, divided by `speed`,
 * measured from the call. Each step waits until the connection took the last, so a slow one
 * delays (never reorders) the rest. Returns early when the connection closes.
 */
export async function sendPaced(
  target: PacedTarget,
  schedule: FrameSchedule,
  speed: Speed,
  options: PacingOptions = {},
): Promise<void> {
  const clock = options.clock ?? systemPacingClock;
  const from = options.from ?? 0;
  const msPerTick = 1000 / TICKS_PER_SECOND / speed;
  const startMs = clock.now();
  for (;;) {
    const tick = speed === Infinity ? Infinity : Math.floor((clock.now() - startMs + EPSILON_MS) / msPerTick);
    const due = schedule.dueBytesAt(tick);
    target.sendUpTo(from + due);
    if (!(await target.flushed()) || due >= schedule.bodyBytes) return;
    const waitMs = startMs + schedule.tickOf(due) * msPerTick - clock.now();
    if (waitMs > 0) await clock.sleep(waitMs, options.signal);
  }
}
