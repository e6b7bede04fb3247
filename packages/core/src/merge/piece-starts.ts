/**
 * Helpers for byte windows kept as pieces (arrays of bytes) with the offset of each piece's
 * first byte in `starts`, ascending, where pieces before `first` were dropped from the front.
 */

/** The index in [first, starts.length) of the last piece starting at or before `offset`. */
export function pieceAt(starts: readonly number[], first: number, offset: number): number {
  let low = first;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((starts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Removes the dropped front of `pieces` and `starts` once it is most of them (and over 32), so
 * dropping stays O(1) amortized and the arrays do not grow with the stream. Returns the new
 * `first`.
 */
export function compactFront(pieces: unknown[], starts: number[], first: number): number {
  if (first <= 32 || first * 2 <= pieces.length) return first;
  pieces.splice(0, first);
  starts.splice(0, first);
  return 0;
}
