export {
  MemoryCanonicalLog,
  MemoryReplayLog,
  MemoryReplayLogStore,
  SEGMENT_MAX_BYTES,
  readCommitted,
} from './memory-replay-log.js';
export { Changes } from './changes.js';
export { copyViews } from './copy-views.js';
export { BlockBytes } from './block-bytes.js';
export { StreamStateError } from './stream-state-error.js';
