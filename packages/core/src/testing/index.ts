export { InMemoryArchive, InMemorySpool, InMemoryStatsSink } from './in-memory-archive.js';
export { ManualClock, settle } from './manual-clock.js';
export { concatBytes, PipeClient, PipeConnection } from './pipe-connection.js';
export { RecordingEvents } from './recording-events.js';
export type { LogLine } from './recording-logger.js';
export { RecordingLogger } from './recording-logger.js';
export type { CoreHarnessOptions } from './core-harness.js';
export { CoreHarness } from './core-harness.js';
