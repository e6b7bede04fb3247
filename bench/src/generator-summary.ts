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
  const tally = tallyReaders(readers);
  return {
    games: games.length,
    writers: writers.length,
    readers: readers.length,
    sentBytes,
    writerEndings: countBy(writers.map((writer) => describeEnding(writer.ending))),
    readerEndings: countBy(readers.map(({ reader }) => describeEnding(reader.ending))),
    readersComplete: tally.complete,
    readersShort: tally.short,
    readersCorrupt: tally.corrupt,
    readersEmpty: tally.empty,
    failures: tally.failures,
    shortReaders: tally.shortReaders,
    readerLagMs: distribution(readerLagsMs),
    generatorLoopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
  };
}

type ReaderOfGame = BenchGame['readers'][number] & { readonly game: BenchGame; readonly index: number };

interface ReaderTally {
  complete: number;
  short: number;
  corrupt: number;
  empty: number;
  readonly failures: string[];
  readonly shortReaders: string[];
}

/** Each reader's verdict counted, with the first few short and corrupt readers described. */
function tallyReaders(readers: readonly ReaderOfGame[]): ReaderTally {
  const tally: ReaderTally = { complete: 0, short: 0, corrupt: 0, empty: 0, failures: [], shortReaders: [] };
  for (const { game, index, reader, check } of readers) {
    const verdict = check.verdict();
    const who = `game ${game.gameId} reader ${index}`;
    if (reader.receivedBytes === 0) tally.empty++;
    if (verdict.status === 'ok') tally.complete++;
    else if (verdict.status === 'short') {
      tally.short++;
      if (tally.shortReaders.length < KEPT_FAILURES)
        tally.shortReaders.push(`${who}: ${describeVerdict(verdict)}, ${describeEnding(reader.ending)}`);
    } else {
      tally.corrupt++;
      if (tally.failures.length < KEPT_FAILURES) tally.failures.push(`${who}: ${describeVerdict(verdict)}`);
    }
  }
  return tally;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
