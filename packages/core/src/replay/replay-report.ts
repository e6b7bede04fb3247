import type { GameId } from '../game-id.js';
import type { Divergence } from '../merge/index.js';
import type { LiveGameSnapshot } from '../ports/game-directory.js';
import type { CanonicalLog } from '../ports/replay-log.js';
import type { Logger } from '../ports/logger.js';
import type { SaveReport } from './replay-saver.js';

/** A divergence the merge decided: which branch won, by how many votes against how many. */
export function logDivergence(log: Logger, gameId: GameId, divergence: Divergence, quorumSize: number): void {
  const weak = divergence.winnerVotes < quorumSize;
  log.info(
    { ...divergence, quorum: quorumSize },
    `Replay ${gameId}: writers diverge at body offset ${divergence.bodyOffset}; ` +
      `kept the branch of ${divergence.winnerVotes} writer(s) against ${divergence.otherVotes.join(', ')}` +
      (weak ? ' (fewer than the quorum)' : ''),
  );
}

export interface EndFacts {
  readonly reason: string;
  readonly writersSeen: number;
  readonly readersSeen: number;
  readonly durationMs: number;
  readonly saved: SaveReport | undefined;
}

/** One line per game at its end, for operators: what happened to it, in numbers. */
export function logEnd(log: Logger, snapshot: LiveGameSnapshot, facts: EndFacts): void {
  log.info(
    {
      reason: facts.reason,
      writersSeen: facts.writersSeen,
      readersSeen: facts.readersSeen,
      bytes: snapshot.bytes,
      ticks: snapshot.ticks,
      gameTimeS: snapshot.gameTimeMs / 1_000,
      durationS: facts.durationMs / 1_000,
      saved: facts.saved?.result,
      location: facts.saved?.location,
      stats: facts.saved?.stats,
      metadataOrigin: facts.saved?.metadataOrigin,
    },
    `Replay ${snapshot.gameId} ended (${facts.reason}): ${facts.saved?.result ?? 'not saved'}` +
      `${facts.saved?.location === undefined ? '' : ` at ${facts.saved.location}`}, ` +
      `${snapshot.bytes} bytes, ${snapshot.ticks} ticks, ${facts.writersSeen} writer(s), ${facts.readersSeen} reader(s)`,
  );
}

/**
 * Hands the committed bytes from `from` up to the current length to `take`, read from the log (a
 * recovered replay counts the ticks it committed before the crash; its hot window holds only the tail).
 */
export async function readCommitted(
  canonical: CanonicalLog,
  from: number,
  take: (view: Uint8Array) => void,
): Promise<void> {
  const committed = canonical.length;
  let at = from;
  if (at >= committed) return;
  for await (const view of canonical.read(at)) {
    const taken = view.subarray(0, committed - at);
    take(taken);
    at += taken.length;
    if (at >= committed) return;
  }
}
