import { MetadataUnavailableError } from '../errors.js';
import type { GameId } from '../game-id.js';
import type { Clock } from '../ports/clock.js';
import type { GameFacts, GameMetadataSource } from '../ports/game-metadata-source.js';
import type { GameStatsSink } from '../ports/game-stats-sink.js';
import type { Logger } from '../ports/logger.js';
import type { FinishedReplay, ReplayArchive, ReplaySpool } from '../ports/replay-archive.js';
import type { ReplayMetadata } from '../ports/replay-metadata.js';
import type { ServerEvents } from '../ports/server-events.js';
import { countTicks } from '../protocol/index.js';
import type { ReplaySettings } from './replay-settings.js';

export interface ReplaySaverDeps {
  readonly clock: Clock;
  readonly archive: ReplayArchive;
  readonly spool: ReplaySpool;
  /** The JSON header's source: the FAF database, or the SCFA header itself (standalone). */
  readonly metadata: GameMetadataSource;
  /** Used when `metadata` cannot answer: what the SCFA header says never fails. */
  readonly fallbackMetadata: GameMetadataSource;
  readonly stats: GameStatsSink;
  readonly events: ServerEvents;
}

export interface ReplayToSave {
  readonly facts: Omit<GameFacts, 'scfaHeader'>;
  readonly scfaHeader: Uint8Array | undefined;
  readonly body: readonly Uint8Array[];
}

/**
 * What became of a replay: archived, found (another replay of the game was already in the
 * archive, and is left alone with its stats), spooled, lost, or nothing to save.
 */
export type SaveResult = 'archived' | 'found' | 'spooled' | 'lost' | 'empty';
type Archived = Exclude<SaveResult, 'empty'>;

/**
 * Saves a finished replay and records its stats, and never drops it: a failing archive is
 * retried with backoff while the replay stays in memory; at shutdown it goes to the spool.
 */
export class ReplaySaver {
  readonly #deps: ReplaySaverDeps;
  readonly #retry: ReplaySettings['saveRetry'];

  constructor(deps: ReplaySaverDeps, retry: ReplaySettings['saveRetry']) {
    this.#deps = deps;
    this.#retry = retry;
  }

  async save(replay: ReplayToSave, shutdown: AbortSignal, log: Logger): Promise<SaveResult> {
    const { gameId } = replay.facts;
    if (replay.scfaHeader === undefined) {
      log.info({}, `Replay ${gameId} is empty, not saving.`);
      await this.#recordStats(gameId, null, await this.#alreadyArchived(gameId, log), log);
      return 'empty';
    }
    const ticks = countTicks(replay.body);
    if (ticks === null) log.info({}, `Failed to parse tick count for replay ${gameId}`);
    const facts: GameFacts = { ...replay.facts, scfaHeader: replay.scfaHeader };
    const finished: FinishedReplay = {
      gameId,
      metadata: await this.#describe(facts, log),
      scfaHeader: replay.scfaHeader,
      body: replay.body,
      ticks,
    };
    const archived = await this.#archive(finished, shutdown, log);
    if (archived === 'archived' || archived === 'lost') {
      await this.#recordStats(gameId, ticks, archived === 'archived', log);
    }
    return archived;
  }

  async #describe(facts: GameFacts, log: Logger): Promise<ReplayMetadata> {
    try {
      return await this.#deps.metadata.describe(facts);
    } catch (error) {
      // Any failure falls back, an unexpected one too (logged as ours): the replay is saved regardless.
      const message = `No game metadata for replay ${facts.gameId}; saving with what its SCFA header says`;
      if (error instanceof MetadataUnavailableError) log.warn({ err: error }, message);
      else log.error({ err: error }, message);
      return this.#deps.fallbackMetadata.describe(facts);
    }
  }

  async #archive(replay: FinishedReplay, shutdown: AbortSignal, log: Logger): Promise<Archived> {
    let failedBefore = false;
    for (let delayMs = this.#retry.initialMs; ; delayMs = Math.min(delayMs * 2, this.#retry.maxMs)) {
      try {
        const outcome = await this.#deps.archive.save(replay);
        if (outcome.kind === 'saved') {
          this.#deps.events.replaySaved(replay.gameId);
          log.info({ location: outcome.location }, `Saved replay ${replay.gameId}`);
          return 'archived';
        }
        // A failed attempt may have published the file before failing: then it is ours.
        if (failedBefore) return 'archived';
        log.warn(
          { location: outcome.location },
          `Replay ${replay.gameId} was already saved; kept the saved file`,
        );
        return 'found';
      } catch (error) {
        failedBefore = true;
        this.#deps.events.replaySaveFailed(replay.gameId);
        if (shutdown.aborted) return this.#spool(replay, error, log);
        log.error(
          { err: error, retryInMs: delayMs },
          `Failed to save replay ${replay.gameId}; kept in memory, retrying`,
        );
        await this.#deps.clock.sleep(delayMs, shutdown);
      }
    }
  }

  async #spool(replay: FinishedReplay, cause: unknown, log: Logger): Promise<Archived> {
    try {
      await this.#deps.spool.keep(replay);
      this.#deps.events.replaySpooled(replay.gameId);
      log.error(
        { err: cause },
        `Could not save replay ${replay.gameId} before shutdown; kept it in the spool`,
      );
      return 'spooled';
    } catch (error) {
      this.#deps.events.replayLost(replay.gameId);
      log.error(
        { err: error, cause },
        `Replay ${replay.gameId} LOST: neither the vault nor the spool took it`,
      );
      return 'lost';
    }
  }

  async #alreadyArchived(gameId: GameId, log: Logger): Promise<boolean> {
    try {
      return await this.#deps.archive.contains(gameId);
    } catch (error) {
      log.warn({ err: error }, `Could not check the vault for replay ${gameId}`);
      return false;
    }
  }

  async #recordStats(gameId: GameId, ticks: number | null, available: boolean, log: Logger): Promise<void> {
    try {
      await this.#deps.stats.record(gameId, { ticks, available });
    } catch (error) {
      log.warn({ err: error }, `Failed to save ticks of game ${gameId}`);
    }
  }
}
