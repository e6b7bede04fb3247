export { commonPrefixLength, firstMismatch } from './common-prefix.js';
export { MergeUsageError } from './merge-usage-error.js';
export type { Divergence, HorizonMergeOutput, HorizonMergeSettings } from './horizon-merge.js';
export { HorizonMerge } from './horizon-merge.js';
