import type { GameId } from '../game-id.js';

/**
 * The read side of one game, for everything that serves it: TCP and WebSocket readers now, the
 * HTTP stream and JetStream readers later. Offsets count over the whole stream a reader gets:
 * the SCFA header, then the body. Everything it yields is committed, so past the delay.
 */
export interface LiveStream {
  readonly gameId: GameId;
  /** The decided SCFA header, once it is servable. */
  readonly header: Uint8Array | undefined;
  /** Bytes servable now (header included). Never decreases. */
  readonly length: number;
  /** Whether the stream is complete: `length` is final. */
  readonly finished: boolean;
  /**
   * The stream from `from` on, following the delay: yields what is servable, waits for more, and
   * returns once the stream is finished and everything from `from` was yielded, or when `signal`
   * aborts. A reader from any offset gets exactly the bytes a reader from 0 gets from there on.
   */
  read(from: number, signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** Segments servable now. Segment 0 is the header; segment numbers never change. */
  readonly segmentCount: number;
  /** Where segment `n` starts, when it is servable. */
  segmentOffset(n: number): number | undefined;
  /** Segment `n`'s bytes, when it is servable. */
  segment(n: number): Promise<{ readonly offset: number; readonly bytes: Uint8Array } | undefined>;
}
