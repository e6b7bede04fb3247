import { BenchReader } from './bench-reader.ts';
import { BenchWriter } from './bench-writer.ts';
import { TICK_MS } from './replay-source.ts';
import type { GameStream } from './replay-source.ts';

/** How a generator drives its games (shared by all of them). */
export interface GameDriving {
  readonly port: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  /** Game time per wall time; `Infinity` sends as fast as the sockets take it. */
  readonly speedUp: number;
  /** Largest single write when catching up or flooding. */
  readonly chunkBytes: number;
  readonly onBytesSent: (bytes: number) => void;
  /** A reader received bytes up to `position` of the stream at `nowMs`. */
  readonly onReaderArrival: (game: BenchGame, position: number) => void;
  readonly onClosed: (game: BenchGame) => void;
}

/** One game under load: its writers (all sending the same stream, as real players do) and readers. */
export class BenchGame {
  readonly gameId: number;
  readonly stream: GameStream;
  readonly writers: BenchWriter[] = [];
  readonly readers: BenchReader[] = [];
  startedAtMs = Number.NaN;
  /** When the last writer sent its last byte. */
  writersEndedAtMs: number | undefined;
  /** Ticks the writers may send (memory checkpoints hold games part way). */
  tickLimit: number;
  readonly #driving: GameDriving;
  #openWriters = 0;
  #endedWriters = 0;
  #openReaders = 0;

  constructor(gameId: number, stream: GameStream, driving: GameDriving) {
    this.gameId = gameId;
    this.stream = stream;
    this.#driving = driving;
    this.tickLimit = stream.tickEnds.length;
  }

  /** Until its readers have started and every connection has closed. */
  get open(): boolean {
    return this.#openWriters + this.#openReaders > 0 || !this.readersStarted;
  }

  get readersStarted(): boolean {
    return this.readers.length > 0 || this.#driving.readersPerGame === 0;
  }

  startWriters(nowMs: number): void {
    this.startedAtMs = nowMs;
    for (let i = 0; i < this.#driving.writersPerGame; i++) {
      this.#openWriters++;
      this.writers.push(
        new BenchWriter({
          port: this.#driving.port,
          connectionHeader: `P/${this.gameId}/bench-writer-${i}.SCFAreplay\0`,
          stream: this.stream.bytes,
          chunkBytes: this.#driving.chunkBytes,
          onBytes: this.#driving.onBytesSent,
          onEnded: () => this.#writerEnded(),
          onClose: () => this.#writerClosed(),
        }),
      );
    }
  }

  startReaders(): void {
    for (let i = 0; i < this.#driving.readersPerGame; i++) {
      this.#openReaders++;
      this.readers.push(
        new BenchReader({
          port: this.#driving.port,
          connectionHeader: `G/${this.gameId}/bench-reader-${i}.SCFAreplay\0`,
          expected: this.stream.bytes,
          onArrival: (position) => this.#driving.onReaderArrival(this, position),
          onClose: () => this.#readerClosed(),
        }),
      );
    }
  }

  /** Sends what is due at `nowMs`. */
  pace(nowMs: number): void {
    const due = this.dueOffset(nowMs);
    for (const writer of this.writers) writer.sendUpTo(due);
  }

  /** The stream offset the writers should have sent by `nowMs`: ticks at 10 per second × speed-up. */
  dueOffset(nowMs: number): number {
    const speedUp = this.#driving.speedUp;
    const elapsedTicks =
      speedUp === Number.POSITIVE_INFINITY
        ? speedUp
        : Math.floor(((nowMs - this.startedAtMs) * speedUp) / TICK_MS);
    const ticks = Math.min(this.tickLimit, elapsedTicks);
    return ticks <= 0
      ? this.stream.headerBytes
      : (this.stream.tickEnds[ticks - 1] ?? this.stream.bytes.length);
  }

  /** When the stream's bytes up to `position` were due from the writers (the header at start). */
  dueAtMs(position: number): number {
    if (position <= this.stream.headerBytes) return this.startedAtMs;
    const ends = this.stream.tickEnds;
    let low = 0;
    let high = ends.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((ends[middle] ?? 0) >= position) high = middle;
      else low = middle + 1;
    }
    return this.startedAtMs + ((low + 1) * TICK_MS) / this.#driving.speedUp;
  }

  destroy(): void {
    for (const client of [...this.writers, ...this.readers]) client.destroy();
  }

  #writerEnded(): void {
    this.#endedWriters++;
    if (this.#endedWriters === this.#driving.writersPerGame) this.writersEndedAtMs = performance.now();
  }

  #writerClosed(): void {
    this.#openWriters--;
    if (!this.open) this.#driving.onClosed(this);
  }

  #readerClosed(): void {
    this.#openReaders--;
    if (!this.open) this.#driving.onClosed(this);
  }
}
