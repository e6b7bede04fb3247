import { ReplayReader, ReplayWriter, StreamCheck, tcpAddress } from '@faf-replay/client';
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

/**
 * A watcher whose every byte is compared, as it arrives, with the stream the game's writers send
 * (without keeping what was received: 500 games of readers would otherwise hold gigabytes).
 */
export interface CheckedReader {
  readonly reader: ReplayReader;
  readonly check: StreamCheck;
}

/** One game under load: its writers (all sending the same stream, as real players do) and readers. */
export class BenchGame {
  readonly gameId: number;
  readonly stream: GameStream;
  readonly writers: ReplayWriter[] = [];
  readonly readers: CheckedReader[] = [];
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
      const writer = ReplayWriter.open(tcpAddress(this.#driving.port), {
        gameId: this.gameId,
        name: `bench-writer-${i}.SCFAreplay`,
        stream: this.stream.bytes,
        chunkBytes: this.#driving.chunkBytes,
        onBytes: this.#driving.onBytesSent,
        onEnd: () => this.#writerEnded(),
      });
      void writer.closed.then(() => this.#writerClosed());
      this.writers.push(writer);
    }
  }

  startReaders(): void {
    for (let i = 0; i < this.#driving.readersPerGame; i++) {
      this.#openReaders++;
      const check = new StreamCheck(this.stream.bytes);
      const reader = ReplayReader.open(tcpAddress(this.#driving.port), {
        gameId: this.gameId,
        name: `bench-reader-${i}.SCFAreplay`,
        onChunk: (chunk) => {
          check.push(chunk);
          this.#driving.onReaderArrival(this, check.position);
        },
      });
      void reader.closed.then(() => this.#readerClosed());
      this.readers.push({ reader, check });
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
    for (const writer of this.writers) writer.abort();
    for (const { reader } of this.readers) reader.abort();
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
