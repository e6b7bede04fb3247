export type { ByteConnection } from './byte-connection.js';
export type { Clock } from './clock.js';
export type { GameFacts, GameMetadataSource } from './game-metadata-source.js';
export type { GameStatsSink, ReplayStats } from './game-stats-sink.js';
export type { Logger } from './logger.js';
export type { FinishedReplay, ReplayArchive, ReplaySpool, SaveOutcome } from './replay-archive.js';
export type { ReplayMetadata } from './replay-metadata.js';
export type { ConnectionCategory, ConnectionResult, ServerEvents } from './server-events.js';
export { ignoreServerEvents } from './server-events.js';
