import { setTimeout as delay } from 'node:timers/promises';

/** Resolves true when `work` settles within `ms` (a rejection counts as settled: the caller logs it). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const deadline = new AbortController();
  const expired = delay(ms, false, { signal: deadline.signal }).catch(() => false);
  const settled = work.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, expired]);
  deadline.abort();
  return result;
}
