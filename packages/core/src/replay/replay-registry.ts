import type { GameId } from '../game-id.js';
import type { ByteConnection } from '../ports/byte-connection.js';
import type { GameAdmission } from '../ports/game-admission.js';
import type { Logger } from '../ports/logger.js';
import { playerNameOf } from '../protocol/index.js';
import { Replay } from './replay.js';
import type { ReplayDeps } from './replay.js';
import type { ReplaySettings } from './replay-settings.js';

export type Attachment =
  | { readonly attached: true; readonly done: Promise<void> }
  | { readonly attached: false; readonly reason: string };

export interface ReplayRegistryOptions {
  /** How many ended game ids are remembered to refuse re-creating them (spec §6.6). */
  readonly rememberedEndedReplays: number;
}

/**
 * The only place that decides where a game id lives. A writer creates a replay; a reader only
 * joins one. A writer for a game whose replay this process already ended is REJECTED rather than
 * creating a second replay: the Rust and Python servers re-created it, failed to save over the
 * existing file, and then marked the saved replay unavailable (spec §6.6). Late writers of a
 * finished game carry nothing the saved replay lacks.
 */
export class ReplayRegistry {
  readonly #replays = new Map<GameId, Replay>();
  readonly #ended = new Set<GameId>();
  readonly #settings: ReplaySettings;
  readonly #deps: ReplayDeps;
  readonly #admission: GameAdmission;
  readonly #options: ReplayRegistryOptions;
  readonly #shutdown = new AbortController();
  readonly #log: Logger;

  constructor(
    settings: ReplaySettings,
    deps: ReplayDeps,
    admission: GameAdmission,
    options: ReplayRegistryOptions,
  ) {
    this.#settings = settings;
    this.#deps = deps;
    this.#admission = admission;
    this.#options = options;
    this.#log = deps.logger;
  }

  get liveReplays(): number {
    return this.#replays.size;
  }

  /** The live replay of a game, if any. */
  replay(gameId: GameId): Replay | undefined {
    return this.#replays.get(gameId);
  }

  async attachWriter(
    gameId: GameId,
    connection: ByteConnection,
    input: AsyncIterable<Uint8Array>,
    name: string,
  ): Promise<Attachment> {
    let replay = this.#replays.get(gameId);
    const playerName = playerNameOf(name);
    if (replay === undefined) {
      const refusal = await this.#refuseNewReplay(gameId, playerName);
      if (refusal !== undefined) return { attached: false, reason: refusal };
      replay = this.#replays.get(gameId) ?? this.#create(gameId);
    } else {
      const verdict = await this.#admission.admit({ gameId, playerName, newReplay: false });
      if (!verdict.admitted) return { attached: false, reason: verdict.reason };
    }
    const done = replay.addWriter(connection, input, name);
    if (done === undefined) return { attached: false, reason: `replay ${gameId}'s write phase is over` };
    return { attached: true, done };
  }

  attachReader(gameId: GameId, connection: ByteConnection, input: AsyncIterable<Uint8Array>): Attachment {
    const replay = this.#replays.get(gameId);
    if (replay === undefined) return { attached: false, reason: `replay ${gameId} is not running` };
    const done = replay.addReader(connection, input);
    if (done === undefined) return { attached: false, reason: `replay ${gameId}'s write phase is over` };
    return { attached: true, done };
  }

  /** Stops every live replay (each saves what it has) and resolves once all have ended. */
  async shutdown(): Promise<void> {
    this.#shutdown.abort();
    await Promise.all([...this.#replays.values()].map((replay) => replay.ended));
  }

  async #refuseNewReplay(gameId: GameId, playerName: string): Promise<string | undefined> {
    if (this.#shutdown.signal.aborted) return 'the server is shutting down';
    if (this.#ended.has(gameId)) return `replay ${gameId} was already saved by this server`;
    const verdict = await this.#admission.admit({ gameId, playerName, newReplay: true });
    if (!verdict.admitted) return verdict.reason;
    return this.#shuttingDown() ? 'the server is shutting down' : undefined;
  }

  /** Read through a method: the flag can change while an admission is awaited. */
  #shuttingDown(): boolean {
    return this.#shutdown.signal.aborted;
  }

  #create(gameId: GameId): Replay {
    const replay = new Replay(gameId, this.#settings, this.#deps, this.#shutdown.signal);
    this.#replays.set(gameId, replay);
    void replay.ended.then(
      () => this.#forget(gameId, replay.saveResult !== 'empty'),
      (error: unknown) => {
        this.#log.error({ err: error, replayId: String(gameId) }, `Replay ${gameId} failed`);
        this.#forget(gameId, true);
      },
    );
    return replay;
  }

  #forget(gameId: GameId, saved: boolean): void {
    this.#replays.delete(gameId);
    if (!saved) return;
    this.#ended.add(gameId);
    if (this.#ended.size > this.#options.rememberedEndedReplays) {
      const oldest = this.#ended.values().next();
      if (oldest.done !== true) this.#ended.delete(oldest.value);
    }
  }
}
