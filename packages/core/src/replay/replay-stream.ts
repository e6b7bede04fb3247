import type { GameId } from '../game-id.js';
import type { LiveStream } from '../ports/live-stream.js';
import type { CanonicalLog } from '../ports/replay-log.js';

/** A replay's read side: its committed canonical stream, with the header as a named part. */
export class ReplayStream implements LiveStream {
  readonly gameId: GameId;
  readonly #canonical: CanonicalLog;
  readonly #header: () => Uint8Array | undefined;

  constructor(gameId: GameId, canonical: CanonicalLog, header: () => Uint8Array | undefined) {
    this.gameId = gameId;
    this.#canonical = canonical;
    this.#header = header;
  }

  get header(): Uint8Array | undefined {
    return this.#header();
  }

  get length(): number {
    return this.#canonical.length;
  }

  get finished(): boolean {
    return this.#canonical.finished;
  }

  get segmentCount(): number {
    return this.#canonical.segmentCount;
  }

  read(from: number, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return this.#canonical.read(from, signal);
  }

  segmentOffset(n: number): number | undefined {
    return this.#canonical.segmentOffset(n);
  }

  segment(n: number): Promise<{ readonly offset: number; readonly bytes: Uint8Array } | undefined> {
    return this.#canonical.segment(n);
  }
}
