/** Whatever a throwing callback threw, as an `Error` for `onError`. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
