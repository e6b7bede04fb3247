import type { ReplaySettings } from '@faf-replay/core';
import { defaultReplaySettings } from '@faf-replay/core';
import type { Config } from '../config/config-schema.js';

/** The core's replay settings from the `replay.*` config keys (seconds become milliseconds). */
export function replaySettingsFrom(config: Config): ReplaySettings {
  const { replay } = config;
  return Object.freeze({
    delayMs: replay.delay_s * 1_000,
    updateIntervalMs: replay.update_interval_s * 1_000,
    graceMs: replay.time_with_zero_writers_to_end_replay_s * 1_000,
    forcedTimeoutMs: replay.forced_timeout_s * 1_000,
    merge: Object.freeze({
      quorumSize: replay.merge_quorum_size,
      comparisonDistanceBytes: replay.stream_comparison_distance_b,
    }),
    saveRetry: defaultReplaySettings.saveRetry,
    maxStreamBytes: defaultReplaySettings.maxStreamBytes,
  });
}
