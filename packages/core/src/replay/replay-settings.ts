/** The merge's knobs (`replay.merge_quorum_size`, `replay.stream_comparison_distance_b`). */
export interface MergeSettings {
  /** Fewer votes than this for the kept branch at a divergence is logged as a weak decision. */
  readonly quorumSize: number;
  /** How far back before the decided point a writer that fell behind is compared. */
  readonly comparisonDistanceBytes: number;
}

/** How a replay behaves over its life (the `replay.*` keys of the config, in milliseconds). */
export interface ReplaySettings {
  /** How far readers are kept behind the writers (anti-cheat), `replay.delay_s`. */
  readonly delayMs: number;
  /** The delay and merge cadence, `replay.update_interval_s`. */
  readonly updateIntervalMs: number;
  /** How long a replay waits with zero writers before it ends, `time_with_zero_writers_to_end_replay_s`. */
  readonly graceMs: number;
  /** The longest a replay lives, from its first writer, `replay.forced_timeout_s`. */
  readonly forcedTimeoutMs: number;
  readonly merge: MergeSettings;
  /** The most a writer may send (header and body); beyond it the writer is ended, `replay.max_stream_bytes`. */
  readonly maxStreamBytes: number;
  /** Backoff between failed save attempts (doubling from `initialMs` up to `maxMs`). */
  readonly saveRetry: { readonly initialMs: number; readonly maxMs: number };
}

/** The Rust server's documented values (spec §9.1). */
export const defaultReplaySettings: ReplaySettings = Object.freeze({
  delayMs: 300_000,
  updateIntervalMs: 1_000,
  graceMs: 30_000,
  forcedTimeoutMs: 21_600_000,
  merge: Object.freeze({ quorumSize: 2, comparisonDistanceBytes: 4_096 }),
  maxStreamBytes: 256 * 1024 * 1024,
  saveRetry: Object.freeze({ initialMs: 1_000, maxMs: 60_000 }),
});
