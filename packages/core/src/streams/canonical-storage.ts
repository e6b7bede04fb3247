/**
 * Where the canonical body lives. The first version is in memory (`MemoryCanonicalStorage`);
 * the seam lets it later spill to disk or be published to NATS JetStream without the merge
 * changing (design.md, "Seams to keep open").
 *
 * Contract: bytes are only ever appended; a byte once stored never changes, so views handed out
 * by `read` stay valid and may be shared by any number of readers. After `finish()`, `append`
 * throws.
 */
export interface CanonicalStorage {
  /** Bytes stored so far. */
  readonly length: number;
  /** Copies `bytes` in: the caller may reuse its buffer afterwards. */
  append(bytes: Uint8Array): void;
  /** The bytes in [from, to) as views, in order, without copying them. RangeError outside [0, length]. */
  read(from: number, to: number): Uint8Array[];
  /** No more appends follow. */
  finish(): void;
}
