export { finishedReplayOf, game2000Metadata, streamOf } from './builders.js';
export { eventLoopTurnsDuring } from './event-loop-turns.js';
export { makeTempDir } from './temp-dir.js';
export { stalledFifo } from './stalled-fifo.js';
export { watchStalls } from './watch-stalls.js';
export type { StallReport } from './watch-stalls.js';
export { until } from './until.js';
