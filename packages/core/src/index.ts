// The core's public surface, by name: the façade, the ports, the errors, the protocol decoders
// and the read models. Everything else is internal.

// The façade.
export { createReplayService } from './service/replay-service.js';
export type { ReplayService, ReplayServicePorts, ReplayServiceSettings } from './service/replay-service.js';
export { defaultReplaySettings } from './replay/index.js';
export type { MergeSettings, ReplaySettings } from './replay/index.js';
export { DurableStatsSink } from './replay/index.js';
export type { DurableStatsSinkDeps } from './replay/index.js';

// Ports and their read models.
export type {
  AdmissionRequest,
  AdmissionVerdict,
  ArchiveOutcome,
  ByteConnection,
  ByteReceiver,
  Clock,
  ConnectionCategory,
  ConnectionResult,
  FinishedReplay,
  GameAdmission,
  GameFacts,
  GameMetadataSource,
  GameStatsSink,
  Logger,
  PendingStats,
  PendingStatsJournal,
  ReplayArchive,
  ReplayMetadata,
  ReplaySpool,
  ReplayStats,
  ServerEvents,
  SpoolOutcome,
  Timers,
} from './ports/index.js';
export { admitEveryGame, timerClock } from './ports/index.js';
export type {
  AcceptedConnection,
  Attachment,
  GameDirectory,
  GamePhase,
  LiveGameSnapshot,
} from './ports/game-directory.js';
export type { LiveStream } from './ports/live-stream.js';
export type {
  CanonicalLog,
  CanonicalSegment,
  JournalEntry,
  RecoveredLog,
  ReplayLog,
  ReplayLogStore,
} from './ports/replay-log.js';
export {
  Changes,
  copyViews,
  MemoryReplayLogStore,
  SEGMENT_MAX_BYTES,
  StreamStateError,
} from './log/index.js';
// Windows of bytes kept as pieces, for the file log's window as for the merge's.
export { compactFront, pieceAt } from './merge/piece-starts.js';
// The merge's reused blocks, and the leases on them that whoever keeps its views takes.
export type { BlockPoolOptions } from './merge/block-pool.js';
export {
  BlockLeaseError,
  BlockPool,
  leaseCount,
  POISON_BYTE,
  releaseBlock,
  retainBlock,
} from './merge/block-pool.js';

// Errors.
export {
  ArchiveError,
  ConnectionError,
  CoreError,
  MetadataUnavailableError,
  SpoolError,
  StatsError,
} from './errors.js';

// Game ids and the protocol.
export type { GameId } from './game-id.js';
export { MAX_GAME_ID } from './game-id.js';
export {
  BodyFrameWalker,
  CONNECTION_HEADER_LIMIT_BYTES,
  ConnectionHeaderReader,
  countTicks,
  decodeScfaHeader,
  HeaderBudget,
  isLuaTable,
  luaField,
  luaToJson,
  playerNameOf,
  SCFA_HEADER_LIMIT_BYTES,
  ScfaHeaderDecodeError,
  ScfaHeaderScanner,
} from './protocol/index.js';
export type {
  BodySummary,
  ConnectionHeader,
  ConnectionRole,
  LuaValue,
  ScfaArmy,
  ScfaHeaderInfo,
  ScfaPlayer,
} from './protocol/index.js';

// The JSON header derived from the SCFA header (standalone mode and the database fallback).
export { ScfaHeaderMetadataSource, scfaHeaderMetadata } from './metadata/index.js';
