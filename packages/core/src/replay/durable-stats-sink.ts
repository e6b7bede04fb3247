import type { GameId } from '../game-id.js';
import type { Clock } from '../ports/clock.js';
import type { GameStatsSink, ReplayStats } from '../ports/game-stats-sink.js';
import type { Logger } from '../ports/logger.js';
import type { PendingStats, PendingStatsJournal } from '../ports/pending-stats-journal.js';

export interface DurableStatsSinkDeps {
  readonly target: GameStatsSink;
  readonly journal: PendingStatsJournal;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Pause between retries of records the target refused. */
  readonly retryMs: number;
}

/**
 * A stats sink that never loses a record: each one is written to the journal first, then sent
 * to the target (the FAF database); what the target refuses stays in the journal and is retried
 * every `retryMs`, across restarts too, until it is accepted. A newer record of the same game
 * replaces an older one, and availability only ever goes up.
 */
export class DurableStatsSink implements GameStatsSink {
  readonly #deps: DurableStatsSinkDeps;
  readonly #waiting = new Map<GameId, ReplayStats>();
  readonly #closed = new AbortController();
  #retrying: Promise<void> | undefined;

  constructor(deps: DurableStatsSinkDeps) {
    this.#deps = deps;
  }

  /** Records kept for a later retry. */
  get waiting(): number {
    return this.#waiting.size;
  }

  async record(gameId: GameId, stats: ReplayStats): Promise<void> {
    const merged = this.#merge(gameId, stats);
    await this.#deps.journal.put({ gameId, stats: merged });
    if (!(await this.#send({ gameId, stats: merged }))) this.#scheduleRetry();
  }

  /** Sends what a previous run left in the journal (retrying in the background until accepted). */
  async resume(): Promise<void> {
    for (const pending of await this.#deps.journal.list()) this.#merge(pending.gameId, pending.stats);
    this.#scheduleRetry();
    await this.#retrying;
  }

  /** Stops retrying; what is still waiting stays in the journal for the next start. */
  async close(): Promise<void> {
    this.#closed.abort();
    await this.#retrying;
  }

  #merge(gameId: GameId, stats: ReplayStats): ReplayStats {
    const earlier = this.#waiting.get(gameId);
    const merged = {
      ticks: stats.ticks ?? earlier?.ticks ?? null,
      available: stats.available || earlier?.available === true,
    };
    this.#waiting.set(gameId, merged);
    return merged;
  }

  async #send(pending: PendingStats): Promise<boolean> {
    try {
      await this.#deps.target.record(pending.gameId, pending.stats);
    } catch (error) {
      this.#deps.logger.warn(
        { err: error, replayId: String(pending.gameId), retryInMs: this.#deps.retryMs },
        `Failed to save ticks of game ${pending.gameId}; kept on disk and retrying`,
      );
      return false;
    }
    if (this.#waiting.get(pending.gameId) === pending.stats) {
      this.#waiting.delete(pending.gameId);
      await this.#deps.journal.remove(pending.gameId);
    }
    return true;
  }

  #scheduleRetry(): void {
    this.#retrying ??= this.#retryUntilEmpty().finally(() => (this.#retrying = undefined));
  }

  async #retryUntilEmpty(): Promise<void> {
    const stop = this.#closed.signal;
    while (this.#waiting.size > 0 && !stop.aborted) {
      for (const [gameId, stats] of [...this.#waiting]) await this.#send({ gameId, stats });
      if (this.#waiting.size > 0) await this.#deps.clock.sleep(this.#deps.retryMs, stop);
    }
  }
}
