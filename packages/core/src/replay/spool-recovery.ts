import type { Clock } from '../ports/clock.js';
import type { GameStatsSink } from '../ports/game-stats-sink.js';
import type { Logger } from '../ports/logger.js';
import type { FinishedReplay, ReplayArchive } from '../ports/replay-archive.js';
import type { ReplaySpool } from '../ports/replay-spool.js';
import type { ServerEvents } from '../ports/server-events.js';

export interface SpoolRecoveryDeps {
  readonly spool: ReplaySpool;
  readonly archive: ReplayArchive;
  readonly stats: GameStatsSink;
  readonly events: ServerEvents;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Moves replays kept in the spool at a previous shutdown into the archive: once at start, then
 * again every `retryMs` while some remain (the vault may still be failing). Each replay is tried
 * on its own: one that fails (a bad file, a body that cannot be read) never holds up the others.
 */
export class SpoolRecovery {
  readonly #deps: SpoolRecoveryDeps;

  constructor(deps: SpoolRecoveryDeps) {
    this.#deps = deps;
  }

  /** One pass; resolves with how many replays are still waiting. */
  async recoverOnce(): Promise<number> {
    const waiting = await this.#deps.spool.list();
    let left = 0;
    for (const replay of waiting) {
      if (!(await this.#recover(replay))) left++;
    }
    return left;
  }

  /** Passes until the spool is empty or `stop` aborts. */
  async recoverUntilEmpty(retryMs: number, stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      let left: number;
      try {
        left = await this.recoverOnce();
      } catch (error) {
        this.#deps.logger.error({ err: error }, 'Could not read the spool; retrying');
        left = 1;
      }
      if (left === 0) return;
      await this.#deps.clock.sleep(retryMs, stop);
    }
  }

  async #recover(replay: FinishedReplay): Promise<boolean> {
    const { archive, spool, stats, events, logger } = this.#deps;
    const log = logger.child({ replayId: String(replay.gameId) });
    try {
      const outcome = await archive.save(replay);
      if (outcome.kind === 'archived') events.replaySaved(replay.gameId);
      await spool.release(replay.gameId);
      log.info(
        { location: outcome.location, outcome: outcome.kind },
        `Recovered replay ${replay.gameId} from the spool`,
      );
    } catch (error) {
      events.replaySaveFailed(replay.gameId);
      log.error({ err: error }, `Could not save spooled replay ${replay.gameId}; it stays in the spool`);
      return false;
    }
    try {
      await stats.record(replay.gameId, { ticks: replay.ticks, available: true });
    } catch (error) {
      log.warn({ err: error }, `Failed to save ticks of game ${replay.gameId}`);
    }
    return true;
  }
}
