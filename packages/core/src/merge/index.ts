export { commonPrefixLength, firstMismatch } from './common-prefix.js';
export { MergeUsageError } from './merge-usage-error.js';
export type { MergeSettings, MergeState } from './quorum-merge.js';
export { QuorumMerge } from './quorum-merge.js';
