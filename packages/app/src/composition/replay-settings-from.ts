import type { ReplaySettings } from '@faf-replay/core';
import type { Config } from '../config/config-schema.js';
import { ms } from './milliseconds.js';

/** The core's replay settings from the `replay.*` and `storage.save_retry_*` keys. */
export function replaySettingsFrom(config: Config): ReplaySettings {
  const { replay, storage } = config;
  return Object.freeze({
    delayMs: ms(replay.delay_s),
    updateIntervalMs: ms(replay.update_interval_s),
    graceMs: ms(replay.time_with_zero_writers_to_end_replay_s),
    forcedTimeoutMs: ms(replay.forced_timeout_s),
    merge: Object.freeze({
      quorumSize: replay.merge_quorum_size,
      comparisonDistanceBytes: replay.stream_comparison_distance_b,
    }),
    saveRetry: Object.freeze({
      initialMs: ms(storage.save_retry_initial_s),
      maxMs: ms(storage.save_retry_max_s),
    }),
    maxStreamBytes: replay.max_stream_bytes,
  });
}
