import { firstDifference, playGame } from '@faf-replay/client';
import type { ConnectionEnding, PacingClock, ServerAddress, Speed } from '@faf-replay/client';
import type { GameId } from '@faf-replay/core';
import type { PlayableReplay } from './playable-replay.js';
import { readAndVerify } from './verifying-reader.js';
import type { ReaderExpectation, ReaderResult } from './verifying-reader.js';

/** Live counters of one writer, read by the progress line. */
export interface WriterProgress {
  bytesSent: number;
  ticksSent: number;
}

export type WriteEnding =
  | { readonly kind: 'done' }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'failed'; readonly reason: string };

export interface GameOutcome {
  readonly gameId: GameId;
  readonly replays: readonly string[];
  readonly bytesSent: number;
  readonly writers: readonly WriteEnding[];
  readonly readers: readonly ReaderResult[];
  readonly durationMs: number;
}

export interface RunOptions {
  readonly address: ServerAddress;
  readonly speed: Speed;
  readonly signal?: AbortSignal | undefined;
  readonly clock?: PacingClock | undefined;
}

/** How long after the first header readers keep asking for a game the server has not registered yet. */
const READER_RETRY_MS = 5_000;

/** One game of a simulation: its writers play their replays, its readers watch and verify. */
export class SimulatedGame {
  readonly gameId: GameId;
  readonly writerReplays: readonly PlayableReplay[];
  readonly writerProgress: readonly WriterProgress[];
  readonly readerProgress: readonly { bytesReceived: number }[];

  constructor(gameId: GameId, writerReplays: readonly PlayableReplay[], readerCount: number) {
    this.gameId = gameId;
    this.writerReplays = writerReplays;
    this.writerProgress = writerReplays.map(() => ({ bytesSent: 0, ticksSent: 0 }));
    this.readerProgress = Array.from({ length: readerCount }, () => ({ bytesReceived: 0 }));
  }

  get bytesToSend(): number {
    return this.writerReplays.reduce((sum, replay) => sum + replay.stream.length, 0);
  }

  get totalTicks(): number {
    return Math.max(0, ...this.writerReplays.map((replay) => replay.schedule.totalTicks));
  }

  /** Resolves when every writer and reader is done; rejects only when the server cannot be reached. */
  async run(options: RunOptions): Promise<GameOutcome> {
    const startedMs = performance.now();
    let headerSent: () => void = () => undefined;
    const firstHeader = new Promise<void>((resolve) => (headerSent = resolve));
    const writers = Promise.all(
      this.writerReplays.map((replay, i) => this.#write(options, replay, i, headerSent)),
    );
    await Promise.race([firstHeader, writers]);
    const readers = Promise.all(this.readerProgress.map((progress, i) => this.#read(options, progress, i)));
    const [writerEndings, readerResults] = await Promise.all([writers, readers]);
    return {
      gameId: this.gameId,
      replays: [...new Set(this.writerReplays.map((replay) => replay.label))],
      bytesSent: this.writerProgress.reduce((sum, progress) => sum + progress.bytesSent, 0),
      writers: writerEndings,
      readers: readerResults,
      durationMs: performance.now() - startedMs,
    };
  }

  async #write(
    options: RunOptions,
    replay: PlayableReplay,
    index: number,
    onHeaderSent: () => void,
  ): Promise<WriteEnding> {
    const progress = this.writerProgress[index] ?? { bytesSent: 0, ticksSent: 0 };
    const ending = await playGame(options.address, {
      ...options,
      gameId: this.gameId,
      name: `sim-writer-${index + 1}.SCFAreplay`,
      replay,
      onHeaderSent,
      onBytes: (bytes) => {
        progress.bytesSent += bytes;
        const bodySent = progress.bytesSent - replay.headerBytes;
        if (bodySent > 0) progress.ticksSent = replay.schedule.tickOf(bodySent - 1);
      },
    });
    return writeEndingOf(ending, options.signal);
  }

  #read(options: RunOptions, progress: { bytesReceived: number }, index: number): Promise<ReaderResult> {
    return readAndVerify({
      address: options.address,
      gameId: this.gameId,
      name: `sim-reader-${index + 1}.SCFAreplay`,
      expectation: this.#expectation(),
      progress,
      retryUntilMs: performance.now() + READER_RETRY_MS,
      signal: options.signal,
    });
  }

  #expectation(): ReaderExpectation {
    const [first, ...others] = this.writerReplays.map((replay) => replay.stream);
    if (first !== undefined && others.every((stream) => firstDifference(stream, first) === -1)) {
      return { kind: 'exact', stream: first };
    }
    return { kind: 'merged', headers: this.writerReplays.map((r) => r.stream.subarray(0, r.headerBytes)) };
  }
}

function writeEndingOf(ending: ConnectionEnding, signal: AbortSignal | undefined): WriteEnding {
  if (ending.kind === 'end') return { kind: 'done' };
  if (signal?.aborted === true) return { kind: 'interrupted' };
  if (ending.kind === 'failed') return { kind: 'failed', reason: ending.reason };
  return { kind: 'failed', reason: 'the server closed the connection' };
}
