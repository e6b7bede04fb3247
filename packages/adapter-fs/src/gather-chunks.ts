/**
 * `chunks` gathered into copies of `bytes` each (the last one shorter); a chunk at least that long
 * goes on as it is, after what was gathered before it. A consumer may hold what it is given (zstd
 * holds a chunk until its thread-pool pass is done): a copy is never reused, and a long chunk is
 * the caller's, which must not change it. A short chunk may change once the next is asked for.
 */
export async function* gatherChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  bytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  let pending: Uint8Array | undefined;
  let used = 0;
  const take = (): Uint8Array | undefined => {
    const full = pending?.subarray(0, used);
    pending = undefined;
    used = 0;
    return full;
  };
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    if (chunk.length >= bytes || used + chunk.length > bytes) {
      const full = take();
      if (full !== undefined) yield full;
    }
    if (chunk.length >= bytes) {
      yield chunk;
      continue;
    }
    pending ??= new Uint8Array(bytes);
    pending.set(chunk, used);
    used += chunk.length;
  }
  const last = take();
  if (last !== undefined) yield last;
}
