/** The offset of the first differing byte of two byte arrays, or -1 when they are equal. */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  const shorter = Math.min(actual.length, expected.length);
  for (let i = 0; i < shorter; i++) {
    if (actual[i] !== expected[i]) return i;
  }
  return actual.length === expected.length ? -1 : shorter;
}
