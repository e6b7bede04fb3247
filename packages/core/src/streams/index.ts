export type { CanonicalStorage } from './canonical-storage.js';
export { CanonicalStream } from './canonical-stream.js';
export { ChunkedBytes } from './chunked-bytes.js';
export { MemoryCanonicalStorage, canonicalBlockBytes } from './memory-canonical-storage.js';
export { PositionHistory } from './position-history.js';
export { StreamStateError } from './stream-state-error.js';
export { WriterStream } from './writer-stream.js';
