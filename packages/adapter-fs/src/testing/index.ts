export { finishedReplayOf, game2000Metadata } from './builders.js';
export { eventLoopTurnsDuring } from './event-loop-turns.js';
export { makeTempDir } from './temp-dir.js';
