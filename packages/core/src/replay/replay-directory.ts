import type { GameId } from '../game-id.js';
import type { GameAdmission } from '../ports/game-admission.js';
import type {
  AcceptedConnection,
  Attachment,
  GameDirectory,
  LiveGameSnapshot,
} from '../ports/game-directory.js';
import type { LiveStream } from '../ports/live-stream.js';
import type { RecoveredLog, ReplayLogStore } from '../ports/replay-log.js';
import { playerNameOf } from '../protocol/index.js';
import { Notifier } from './notifier.js';
import { Replay } from './replay.js';
import type { ReplayDeps } from './replay.js';
import type { ReplaySettings } from './replay-settings.js';

export interface ReplayDirectoryOptions {
  /** How many ended game ids are remembered to refuse re-creating them (spec §6.6). */
  readonly rememberedEndedReplays: number;
}

export interface ReplayDirectoryDeps extends ReplayDeps {
  readonly admission: GameAdmission;
  readonly logStore: ReplayLogStore;
}

/**
 * The games of this node: the only place that decides where a game id lives. A writer creates a
 * replay; a reader only joins one. A writer for a game whose replay this process already saved is
 * REFUSED rather than creating a second replay: the Rust and Python servers re-created it, failed
 * to save over the existing file, and then marked the saved replay unavailable (spec §6.6).
 * Late writers of a finished game carry nothing the saved replay lacks.
 *
 * It holds live replays only: an ended replay is dropped at once, and nothing process-wide keeps
 * a reference to it (shutdown goes through `cutAll`, not a signal every replay listens to).
 */
export class ReplayDirectory implements GameDirectory {
  readonly #replays = new Map<GameId, Replay>();
  readonly #ended = new Set<GameId>();
  readonly #settings: ReplaySettings;
  readonly #deps: ReplayDirectoryDeps;
  readonly #options: ReplayDirectoryOptions;
  readonly #changed = new Notifier();
  #refusing: string | undefined;

  constructor(settings: ReplaySettings, deps: ReplayDirectoryDeps, options: ReplayDirectoryOptions) {
    this.#settings = settings;
    this.#deps = deps;
    this.#options = options;
  }

  get liveGames(): number {
    return this.#replays.size;
  }

  /** The live replay of a game, if any (tests and diagnostics). */
  replay(gameId: GameId): Replay | undefined {
    return this.#replays.get(gameId);
  }

  list(): readonly LiveGameSnapshot[] {
    return [...this.#replays.values()].map((replay) => replay.snapshot());
  }

  get(gameId: GameId): LiveGameSnapshot | undefined {
    return this.#replays.get(gameId)?.snapshot();
  }

  stream(gameId: GameId): LiveStream | undefined {
    return this.#replays.get(gameId)?.stream;
  }

  async attachWriter(accepted: AcceptedConnection): Promise<Attachment> {
    const { gameId } = accepted.header;
    const name = playerNameOf(accepted.header.name);
    let replay = this.#replays.get(gameId);
    if (replay === undefined) {
      const refusal = await this.#refuseNewReplay(gameId, name);
      if (refusal !== undefined) return { kind: 'refused', reason: refusal };
      replay = this.#replays.get(gameId) ?? this.#create(gameId);
    } else {
      const verdict = await this.#deps.admission.admit({ gameId, playerName: name, newReplay: false });
      if (!verdict.admitted) return { kind: 'refused', reason: verdict.reason };
    }
    const done = replay.addWriter(accepted);
    if (done === undefined) return { kind: 'refused', reason: `replay ${gameId}'s write phase is over` };
    return { kind: 'attached', done };
  }

  attachReader(accepted: AcceptedConnection): Promise<Attachment> {
    const fromOffset = accepted.connection.readFrom ?? 0;
    const { gameId } = accepted.header;
    const replay = this.#replays.get(gameId);
    if (replay === undefined)
      return Promise.resolve({ kind: 'refused', reason: `replay ${gameId} is not running` });
    const done = replay.addReader(accepted, fromOffset);
    if (done === undefined) {
      return Promise.resolve({ kind: 'refused', reason: `replay ${gameId}'s write phase is over` });
    }
    return Promise.resolve({ kind: 'attached', done });
  }

  stopAccepting(): void {
    this.#refusing ??= 'the server is draining: no new games';
  }

  async cutAll(): Promise<void> {
    this.#refusing = 'the server is shutting down';
    for (const replay of this.#replays.values()) replay.cut('shutdown');
    await this.idle();
  }

  async idle(): Promise<void> {
    while (this.#replays.size > 0) await this.#changed.next();
  }

  /** Takes over a game that a previous process left in the log store; it ends and saves as usual. */
  adopt(recovered: RecoveredLog): Replay {
    const { gameId } = recovered.log;
    const existing = this.#replays.get(gameId);
    if (existing !== undefined) {
      // A dead peer's log of a game that is live here too: this one goes on; that log stays on disk.
      this.#deps.logger.warn(
        { replayId: String(gameId) },
        `Replay ${gameId} is live here already: the log of the same game left by another process is kept as it is`,
      );
      return existing;
    }
    this.#deps.events.replayRecovered(gameId);
    return this.#track(new Replay(gameId, this.#settings, this.#deps, recovered.log, recovered.entries));
  }

  async #refuseNewReplay(gameId: GameId, playerName: string): Promise<string | undefined> {
    if (this.#refusing !== undefined) return this.#refusing;
    if (this.#ended.has(gameId)) return `replay ${gameId} was already saved by this server`;
    const verdict = await this.#deps.admission.admit({ gameId, playerName, newReplay: true });
    if (!verdict.admitted) return verdict.reason;
    return this.#refusingNow();
  }

  /** Read through a method: the flag can change while an admission is awaited. */
  #refusingNow(): string | undefined {
    return this.#refusing;
  }

  #create(gameId: GameId): Replay {
    const log = this.#deps.logStore.open(gameId, { hotBytes: this.#settings.merge.comparisonDistanceBytes });
    return this.#track(new Replay(gameId, this.#settings, this.#deps, log));
  }

  #track(replay: Replay): Replay {
    const { gameId } = replay;
    this.#replays.set(gameId, replay);
    this.#changed.notify();
    void replay.ended.then(
      () => {
        this.#forget(gameId, replay.saveResult !== 'empty');
        void replay.release();
      },
      (error: unknown) => {
        this.#deps.logger.error({ err: error, replayId: String(gameId) }, `Replay ${gameId} failed`);
        this.#forget(gameId, true);
      },
    );
    return replay;
  }

  #forget(gameId: GameId, saved: boolean): void {
    this.#replays.delete(gameId);
    this.#changed.notify();
    if (!saved) return;
    this.#ended.add(gameId);
    if (this.#ended.size > this.#options.rememberedEndedReplays) {
      const oldest = this.#ended.values().next();
      if (oldest.done !== true) this.#ended.delete(oldest.value);
    }
  }
}
