export { encodeJsonHeader } from './encode-json-header.js';
export { FilePendingStatsJournal } from './file-pending-stats-journal.js';
export type { FilePendingStatsJournalOptions } from './file-pending-stats-journal.js';
export { FileReplaySpool } from './file-replay-spool.js';
export type { FileReplaySpoolOptions, SpoolScan, UnreadableSpoolFile } from './file-replay-spool.js';
export { DEFAULT_IO_TIMEOUT_MS, IoTimeoutError } from './io-watchdog.js';
export {
  DEFAULT_FSYNC_INTERVAL_MS,
  DEFAULT_MAX_CONCURRENT_WRITES,
  DEFAULT_MAX_UNFLUSHED_BYTES,
  DEFAULT_OWNER_STALE_MS,
  FileReplayLogStore,
} from './live/file-replay-log-store.js';
export type { FileReplayLogStoreOptions } from './live/file-replay-log-store.js';
export { FileReplayLog } from './live/file-replay-log.js';
export { LiveLogError } from './live/live-log-error.js';
export type { LiveLogFault } from './live/live-log-error.js';
export { LOG_FILE_NAME } from './live/live-log-file.js';
export { LocalStatsIndex, STATS_INDEX_FILE, statsIndexPath } from './local-stats-index.js';
export type { LocalStatsIndexOptions } from './local-stats-index.js';
export { DEFAULT_MAX_REPLAY_BYTES, readFafReplay } from './read-faf-replay.js';
export type { FafReplayFile } from './read-faf-replay.js';
export { readStatsIndex } from './read-stats-index.js';
export type { StatsIndex, StatsIndexEntry } from './read-stats-index.js';
export { ReplayFileError } from './replay-file-error.js';
export type { ReplayFileFault } from './replay-file-error.js';
export { VaultArchive } from './vault-archive.js';
export type { VaultArchiveOptions } from './vault-archive.js';
export { vaultReplayPath } from './vault-replay-path.js';
export { DEFAULT_COMPRESSION_LEVEL, FileExistsError, writeFafReplay } from './write-faf-replay.js';
export type { FafReplayContent, FafReplayWriteOptions } from './write-faf-replay.js';
