import type { Histogram } from 'node:perf_hooks';
import { describeEnding, describeVerdict } from '@faf-replay/client';
import type { BenchGame } from './bench-game.ts';
import type { Distribution } from './stats.ts';
import { distribution } from './stats.ts';

const KEPT_FAILURES = 10;

/** What the generator saw: every connection's ending, every reader's bytes, lags. */
export interface GeneratorSummary {
  readonly games: number;
  readonly writers: number;
  readonly readers: number;
  readonly sentBytes: number;
  /** How writer connections ended: `end` is a clean end after the whole stream. */
  readonly writerEndings: Readonly<Record<string, number>>;
  readonly readerEndings: Readonly<Record<string, number>>;
  /** Readers whose bytes equal the whole stream / a prefix of it / differ from it. */
  readonly readersComplete: number;
  readonly readersShort: number;
  readonly readersCorrupt: number;
  /** Readers that got nothing at all (refused, or the game never released data). */
  readonly readersEmpty: number;
  /** The first few readers whose bytes differ, with the first differing offset. */
  readonly failures: readonly string[];
  /** The first few readers that got a prefix only, with how their connection ended. */
  readonly shortReaders: readonly string[];
  /** How long after a byte may be shown (due from the writers + the server's delay) a reader got it. */
  readonly readerLagMs: Distribution;
  /** The generator's own event-loop delay: when high, the generator, not the server, is the limit. */
  readonly generatorLoopDelayMs: { readonly p99: number; readonly max: number };
}

export function summarizeGames(
  games: readonly BenchGame[],
  readerLagsMs: readonly number[],
  loopDelay: Histogram,
  sentBytes: number,
): GeneratorSummary {
  const writers = games.flatMap((game) => game.writers);
  const readers = games.flatMap((game) =>
    game.readers.map(({ reader, check }, index) => ({ game, index, reader, check })),
  );
  const failures: string[] = [];
  const shortReaders: string[] = [];
  let complete = 0;
  let short = 0;
  let corrupt = 0;
  let empty = 0;
  for (const { game, index, reader, check } of readers) {
    const verdict = check.verdict();
    if (reader.receivedBytes === 0) empty++;
    if (verdict.status === 'ok') complete++;
    else if (verdict.status === 'short') {
      short++;
      if (shortReaders.length < KEPT_FAILURES) {
        shortReaders.push(
          `game ${game.gameId} reader ${index}: ${describeVerdict(verdict)}, ${describeEnding(reader.ending)}`,
        );
      }
    } else {
      corrupt++;
      if (failures.length < KEPT_FAILURES)
        failures.push(`game ${game.gameId} reader ${index}: ${describeVerdict(verdict)}`);
    }
  }
  return {
    games: games.length,
    writers: writers.length,
    readers: readers.length,
    sentBytes,
    writerEndings: countBy(writers.map((writer) => describeEnding(writer.ending))),
    readerEndings: countBy(readers.map(({ reader }) => describeEnding(reader.ending))),
    readersComplete: complete,
    readersShort: short,
    readersCorrupt: corrupt,
    readersEmpty: empty,
    failures,
    shortReaders,
    readerLagMs: distribution(readerLagsMs),
    generatorLoopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
