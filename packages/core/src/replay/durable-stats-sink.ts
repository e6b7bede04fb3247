import type { GameId } from '../game-id.js';
import type { Clock } from '../ports/clock.js';
import type { GameStatsSink, ReplayStats } from '../ports/game-stats-sink.js';
import type { Logger } from '../ports/logger.js';
import type { PendingStatsJournal } from '../ports/pending-stats-journal.js';

export interface DurableStatsSinkDeps {
  readonly target: GameStatsSink;
  readonly journal: PendingStatsJournal;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Pause between retries of records the target refused. */
  readonly retryMs: number;
  /** Called on every failed attempt of the target (a metric of database errors). */
  readonly onTargetError?: (error: unknown) => void;
}

/** One game's record waiting for the target. */
interface Pending {
  readonly stats: ReplayStats;
  /** Whether the journal holds it (a restart would not lose it). */
  journaled: boolean;
  /** Failed attempts so far: the first is logged, the next ones are not. */
  failures: number;
}

/**
 * A stats sink that never loses a record: each one is written to the journal, then sent to the
 * target (the FAF database); what the target refuses is retried every `retryMs`, across restarts
 * too, until it is accepted. When the journal cannot be written (spool disk full), the record is
 * still sent, and kept in memory and retried (journal included) while the process lives. A newer
 * record of the same game replaces an older one, and availability only ever goes up.
 *
 * Logs each update once: its success, its first failure, and the outcome of its retries; never a
 * line per retry.
 */
export class DurableStatsSink implements GameStatsSink {
  readonly #deps: DurableStatsSinkDeps;
  readonly #waiting = new Map<GameId, Pending>();
  readonly #closed = new AbortController();
  #retrying: Promise<void> | undefined;
  #targetErrors = 0;

  constructor(deps: DurableStatsSinkDeps) {
    this.#deps = deps;
  }

  /** Records not yet accepted by the target. */
  get pendingUpdates(): number {
    return this.#waiting.size;
  }

  /** Failed attempts of the target so far. */
  get targetErrors(): number {
    return this.#targetErrors;
  }

  /** Never throws: a record the target refuses is kept and retried. */
  async record(gameId: GameId, stats: ReplayStats): Promise<void> {
    const pending = this.#merge(gameId, stats, false);
    await this.#journal(gameId, pending);
    if (!(await this.#send(gameId, pending))) this.#scheduleRetry();
  }

  /** Sends what a previous run left in the journal (retrying in the background until accepted). */
  async resume(): Promise<void> {
    try {
      for (const kept of await this.#deps.journal.list()) this.#merge(kept.gameId, kept.stats, true);
    } catch (error) {
      this.#deps.logger.error({ err: error }, 'Could not read the pending stats journal; skipped it');
    }
    await this.#sendWaiting();
    this.#scheduleRetry();
  }

  /** Stops retrying; what is still waiting stays in the journal for the next start. */
  async close(): Promise<void> {
    this.#closed.abort();
    await this.#retrying;
    const notJournaled = [...this.#waiting].filter(([, pending]) => !pending.journaled);
    if (notJournaled.length > 0) {
      this.#deps.logger.error(
        { games: notJournaled.map(([gameId]) => String(gameId)) },
        `${notJournaled.length} stats updates were neither recorded nor kept on disk: lost at exit`,
      );
    }
  }

  #merge(gameId: GameId, stats: ReplayStats, journaled: boolean): Pending {
    const earlier = this.#waiting.get(gameId);
    const merged: Pending = {
      stats: {
        ticks: stats.ticks ?? earlier?.stats.ticks ?? null,
        available: stats.available || earlier?.stats.available === true,
      },
      journaled,
      failures: earlier?.failures ?? 0,
    };
    this.#waiting.set(gameId, merged);
    return merged;
  }

  async #journal(gameId: GameId, pending: Pending): Promise<void> {
    try {
      await this.#deps.journal.put({ gameId, stats: pending.stats });
      pending.journaled = true;
    } catch (error) {
      if (pending.failures > 0) return;
      this.#deps.logger.warn(
        { err: error, replayId: String(gameId) },
        `Could not keep the stats of game ${gameId} on disk; sending them now, kept in memory until accepted`,
      );
    }
  }

  /** Whether the target accepted the record. */
  async #send(gameId: GameId, pending: Pending): Promise<boolean> {
    const log = this.#deps.logger.child({ replayId: String(gameId) });
    const { ticks, available } = pending.stats;
    try {
      await this.#deps.target.record(gameId, pending.stats);
    } catch (error) {
      this.#targetErrors++;
      this.#deps.onTargetError?.(error);
      if (pending.failures++ === 0) {
        const where = pending.journaled ? 'on disk' : 'in memory';
        log.warn(
          { err: error, retryInMs: this.#deps.retryMs },
          `Failed to save ticks of game ${gameId}; kept ${where} and retrying`,
        );
      }
      return false;
    }
    const after = pending.failures > 0 ? ` after ${pending.failures} failed attempts` : '';
    log.info({ ticks, available }, `Recorded the stats of game ${gameId}${after}`);
    if (this.#waiting.get(gameId) === pending) {
      this.#waiting.delete(gameId);
      if (pending.journaled) await this.#forget(gameId, log);
    }
    return true;
  }

  /** A record left in the journal is sent again at the next start: harmless, so only logged. */
  async #forget(gameId: GameId, log: Logger): Promise<void> {
    try {
      await this.#deps.journal.remove(gameId);
    } catch (error) {
      log.warn({ err: error }, `Could not remove the recorded stats of game ${gameId} from the journal`);
    }
  }

  #scheduleRetry(): void {
    if (this.#waiting.size === 0) return;
    this.#retrying ??= this.#retryUntilEmpty().finally(() => (this.#retrying = undefined));
  }

  async #retryUntilEmpty(): Promise<void> {
    const stop = this.#closed.signal;
    while (this.#waiting.size > 0) {
      await this.#deps.clock.sleep(this.#deps.retryMs, stop);
      if (stop.aborted) return;
      await this.#sendWaiting();
    }
  }

  async #sendWaiting(): Promise<void> {
    for (const [gameId, pending] of [...this.#waiting]) {
      if (!pending.journaled) await this.#journal(gameId, pending);
      await this.#send(gameId, pending);
    }
  }
}
