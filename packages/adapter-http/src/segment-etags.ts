import { createHash } from 'node:crypto';

/**
 * Strong ETags of immutable segments: a hash of the bytes, computed once per segment and kept
 * in a bounded map (5,000 viewers asking for the same segment cost one hash).
 */
export class SegmentEtags {
  readonly #known = new Map<string, string>();
  readonly #capacity: number;

  constructor(capacity = 8_192) {
    this.#capacity = capacity;
  }

  of(key: string, bytes: Uint8Array): string {
    const known = this.#known.get(key);
    if (known !== undefined) return known;
    const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
    this.#known.set(key, etag);
    if (this.#known.size > this.#capacity) {
      const oldest = this.#known.keys().next();
      if (oldest.done !== true) this.#known.delete(oldest.value);
    }
    return etag;
  }
}

/** Whether an `If-None-Match` header names `etag` (or is `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}
