/**
 * The reason given to `abort()` when it only cancels a wait that nobody else listens to: any
 * value but `undefined`, so that Node does not build a `DOMException`, stack trace and all, that
 * is never read. At FAF's peak the decide loops alone cancel about 500 waits a second.
 */
export const WAIT_CANCELLED = 'wait cancelled';
