import type { GameSpec } from './load-generator.ts';
import type { GameStream } from './replay-source.ts';

/**
 * `games` specs of the same stream, each held at a different point: game i's writers send the
 * first `fromFraction + (toFraction − fromFraction) × i / (games − 1)` of its ticks, then wait,
 * still connected (games of different lengths, as a crash finds them).
 */
export function cutGameSpecs(
  stream: GameStream,
  games: number,
  fraction: { readonly from: number; readonly to: number },
  firstGameId: number,
): GameSpec[] {
  const ticks = stream.tickEnds.length;
  return Array.from({ length: games }, (_, i) => {
    const share =
      games === 1 ? fraction.from : fraction.from + ((fraction.to - fraction.from) * i) / (games - 1);
    return { gameId: firstGameId + i, stream, tickLimit: Math.max(1, Math.ceil(share * ticks)) };
  });
}

/** The stream offset the writers of a spec stop at (the end of its last tick sent). */
export function cutOffset(spec: GameSpec): number {
  const limit = spec.tickLimit ?? spec.stream.tickEnds.length;
  return spec.stream.tickEnds[limit - 1] ?? spec.stream.bytes.length;
}
