import { MetadataUnavailableError } from '../errors.js';
import type { GameId } from '../game-id.js';
import type { Clock } from '../ports/clock.js';
import type { GameFacts, GameMetadataSource } from '../ports/game-metadata-source.js';
import type { GameStatsSink } from '../ports/game-stats-sink.js';
import type { Logger } from '../ports/logger.js';
import type { FinishedReplay, ReplayArchive } from '../ports/replay-archive.js';
import type { ReplayMetadata } from '../ports/replay-metadata.js';
import type { ReplaySpool } from '../ports/replay-spool.js';
import type { ServerEvents } from '../ports/server-events.js';
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
  /** The canonical SCFA header; undefined for an empty replay (no writer sent one). */
  readonly scfaHeader: Uint8Array | undefined;
  /** The canonical body, from its start on every call (a save may be retried). */
  readonly body: () => AsyncIterable<Uint8Array>;
  readonly bodyLength: number;
  /** Sum of Advance ticks of the body (see `countTicks`), or null when it does not parse. */
  readonly ticks: number | null;
  /**
   * Called once the replay is stored for good (archived, found archived, or spooled), also when
   * that happens on a later retry after `save` returned `unsaved`: its live bytes may go.
   */
  readonly stored?: () => void;
}

/** A body held in memory as chunks, in the shape `ReplayToSave` and `FinishedReplay` take it. */
export function bodyOfChunks(chunks: readonly Uint8Array[]): Pick<ReplayToSave, 'body' | 'bodyLength'> {
  return {
    body: () => ({
      [Symbol.asyncIterator]: () => {
        const iterator = chunks[Symbol.iterator]();
        return { next: () => Promise.resolve(iterator.next()) };
      },
    }),
    bodyLength: chunks.reduce((sum, chunk) => sum + chunk.length, 0),
  };
}

/**
 * What became of a replay:
 * - `archived`: this save put it in the archive;
 * - `already-archived`: the archive already held a replay of the game (another run's), left
 *   alone with its stats;
 * - `spooled`: the archive failed until shutdown; the spool keeps it for the next start;
 * - `unsaved`: neither took it; it stays in memory and is retried until saved or `giveUp()`;
 * - `empty`: no header, nothing to save.
 */
export type SaveResult = 'archived' | 'already-archived' | 'spooled' | 'unsaved' | 'empty';

/** What a save did, for the replay's one line at its end. */
export interface SaveReport {
  readonly result: SaveResult;
  /** Where the file is (the vault path, or the spool). */
  readonly location?: string | undefined;
  /** Where the JSON header came from. */
  readonly metadataOrigin?: ReplayMetadata['origin'] | undefined;
  /** What became of ticks and availability: recorded, failed (logged; a durable sink retries), or none recorded. */
  readonly stats: 'recorded' | 'failed' | 'not recorded';
}
interface Stored {
  readonly result: Exclude<SaveResult, 'unsaved' | 'empty'>;
  readonly location: string;
}
type ArchiveAttempt = { readonly stored: Stored } | { readonly error: unknown };

/**
 * Saves a finished replay and records its stats, and never drops it: a failing archive is
 * retried with backoff while the replay stays in memory; at shutdown it goes to the spool. When
 * the spool fails too, the replay is still kept in memory and retried (archive, then spool) for
 * as long as the process lives, shutdown or not, until `giveUp()`.
 */
export class ReplaySaver {
  readonly #deps: ReplaySaverDeps;
  readonly #retry: ReplaySettings['saveRetry'];
  /** Each unsaved replay, and its retries. */
  readonly #unsaved = new Map<FinishedReplay, Promise<void>>();
  readonly #givenUp = new AbortController();

  constructor(deps: ReplaySaverDeps, retry: ReplaySettings['saveRetry']) {
    this.#deps = deps;
    this.#retry = retry;
  }

  /** Replays that neither the archive nor the spool took so far: kept in memory and retried. */
  get unsavedReplays(): number {
    return this.#unsaved.size;
  }

  async save(replay: ReplayToSave, shutdown: AbortSignal, log: Logger): Promise<SaveReport> {
    const { gameId } = replay.facts;
    if (replay.scfaHeader === undefined) {
      const stats = await this.#saveEmpty(gameId, log);
      replay.stored?.();
      return { result: 'empty', stats };
    }
    if (replay.ticks === null) log.info({}, `Failed to parse tick count for replay ${gameId}`);
    const facts: GameFacts = { ...replay.facts, scfaHeader: replay.scfaHeader };
    const finished: FinishedReplay = {
      gameId,
      metadata: await this.#describe(facts, log),
      scfaHeader: replay.scfaHeader,
      body: replay.body,
      bodyLength: replay.bodyLength,
      ticks: replay.ticks,
    };
    const stored = await this.#archiveUntilShutdown(finished, shutdown, log);
    const result = stored?.result ?? 'unsaved';
    if (result === 'unsaved') this.#keepRetrying(finished, log, replay.stored);
    else replay.stored?.();
    const stats =
      result === 'archived' || result === 'unsaved'
        ? await this.#recordStats(gameId, replay.ticks, result === 'archived', log)
        : 'not recorded';
    return { result, location: stored?.location, metadataOrigin: finished.metadata.origin, stats };
  }

  /**
   * Stops retrying the unsaved replays (at exit) and returns their ids: what is lost for good
   * when the process ends.
   */
  giveUp(): readonly GameId[] {
    this.#givenUp.abort();
    return [...this.#unsaved.keys()].map((replay) => replay.gameId);
  }

  /** Resolves once every unsaved replay was saved, or after `giveUp()`. */
  async whenSettled(): Promise<void> {
    while (this.#unsaved.size > 0) await Promise.all(this.#unsaved.values());
  }

  /** An empty replay has no file; its game keeps the ticks of a file another run saved. */
  async #saveEmpty(gameId: GameId, log: Logger): Promise<SaveReport['stats']> {
    if (await this.#alreadyArchived(gameId, log)) {
      log.info(
        {},
        `Replay ${gameId} is empty and the vault already holds a replay of this game; ` +
          'recording no stats, so that its ticks stay',
      );
      return 'not recorded';
    }
    log.info({}, `Replay ${gameId} is empty, not saving.`);
    return this.#recordStats(gameId, null, false, log);
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

  /** Archive attempts with backoff until one succeeds, or, at shutdown, the spool; undefined when both failed. */
  async #archiveUntilShutdown(
    replay: FinishedReplay,
    shutdown: AbortSignal,
    log: Logger,
  ): Promise<Stored | undefined> {
    let failedBefore = false;
    for (let delayMs = this.#retry.initialMs; ; delayMs = this.#nextDelay(delayMs)) {
      const attempt = await this.#tryArchive(replay, failedBefore, log);
      if ('stored' in attempt) return attempt.stored;
      failedBefore = true;
      if (shutdown.aborted) return this.#trySpool(replay, attempt.error, log);
      log.error(
        { err: attempt.error, retryInMs: delayMs },
        `Failed to save replay ${replay.gameId}; kept in memory, retrying`,
      );
      await this.#deps.clock.sleep(delayMs, shutdown);
    }
  }

  async #tryArchive(replay: FinishedReplay, failedBefore: boolean, log: Logger): Promise<ArchiveAttempt> {
    try {
      const outcome = await this.#deps.archive.save(replay);
      // A failed attempt may have published the file before failing: then it is ours.
      if (outcome.kind === 'archived' || failedBefore) {
        this.#deps.events.replaySaved(replay.gameId);
        log.info({ location: outcome.location }, `Saved replay ${replay.gameId}`);
        return { stored: { result: 'archived', location: outcome.location } };
      }
      log.warn(
        { location: outcome.location },
        `Replay ${replay.gameId} was already saved; kept the saved file`,
      );
      return { stored: { result: 'already-archived', location: outcome.location } };
    } catch (error) {
      this.#deps.events.replaySaveFailed(replay.gameId);
      return { error };
    }
  }

  async #trySpool(replay: FinishedReplay, cause: unknown, log: Logger): Promise<Stored | undefined> {
    try {
      const outcome = await this.#deps.spool.keep(replay);
      this.#deps.events.replaySpooled(replay.gameId);
      if (outcome.kind === 'longer-already-kept') {
        log.warn(
          { err: cause, keptBytes: outcome.keptBytes, bytes: replay.scfaHeader.length + replay.bodyLength },
          `Could not save replay ${replay.gameId}; the spool already holds a longer replay of this game, kept that one`,
        );
      } else {
        log.error({ err: cause }, `Could not save replay ${replay.gameId}; kept it in the spool`);
      }
      return { result: 'spooled', location: 'spool' };
    } catch (error) {
      log.error({ err: error, cause }, `Could not keep replay ${replay.gameId} in the spool either`);
      return undefined;
    }
  }

  /** After a loss: archive, then spool, with backoff, until one takes it or `giveUp()`. */
  #keepRetrying(replay: FinishedReplay, log: Logger, stored: (() => void) | undefined): void {
    this.#deps.events.replayLost(replay.gameId);
    log.error(
      {},
      `Replay ${replay.gameId} LOST for now: neither the vault nor the spool took it; ` +
        'kept in memory and retried while the process lives',
    );
    const retrying = this.#retryUnsaved(replay, log)
      .then((saved) => {
        if (saved) stored?.();
      })
      .finally(() => this.#unsaved.delete(replay));
    this.#unsaved.set(replay, retrying);
  }

  /** Resolves with whether it was stored in the end. */
  async #retryUnsaved(replay: FinishedReplay, log: Logger): Promise<boolean> {
    const stop = this.#givenUp.signal;
    for (let delayMs = this.#retry.initialMs; ; delayMs = this.#nextDelay(delayMs)) {
      await this.#deps.clock.sleep(delayMs, stop);
      if (stop.aborted) break;
      const attempt = await this.#tryArchive(replay, true, log);
      if ('stored' in attempt) {
        await this.#recordStats(replay.gameId, replay.ticks, true, log);
        return true;
      }
      if ((await this.#trySpool(replay, attempt.error, log)) !== undefined) return true;
      log.warn({ retryInMs: this.#nextDelay(delayMs) }, `Replay ${replay.gameId} is still unsaved; retrying`);
    }
    log.error({}, `Replay ${replay.gameId} LOST: gave up retrying at exit`);
    return false;
  }

  #nextDelay(delayMs: number): number {
    return Math.min(delayMs * 2, this.#retry.maxMs);
  }

  async #alreadyArchived(gameId: GameId, log: Logger): Promise<boolean> {
    try {
      return await this.#deps.archive.contains(gameId);
    } catch (error) {
      log.warn({ err: error }, `Could not check the vault for replay ${gameId}`);
      return false;
    }
  }

  async #recordStats(
    gameId: GameId,
    ticks: number | null,
    available: boolean,
    log: Logger,
  ): Promise<'recorded' | 'failed'> {
    try {
      await this.#deps.stats.record(gameId, { ticks, available });
      return 'recorded';
    } catch (error) {
      log.warn({ err: error }, `Failed to save ticks of game ${gameId}`);
      return 'failed';
    }
  }
}
