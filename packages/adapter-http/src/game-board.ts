import type { GameDirectory, GameId, LiveGameSnapshot } from '@faf-replay/core';
import { GameViews, iso } from './game-view.js';
import type { GameView } from './game-view.js';
import type { ReplayDownloads, SavedReplay } from './replay-downloads.js';

export interface GameBoardOptions {
  readonly directory: GameDirectory;
  readonly downloads: ReplayDownloads | undefined;
  readonly now: () => number;
  /** HTTP stream viewers of a game, counted by the stream route. */
  readonly httpViewers: (gameId: GameId) => number;
  /** How long an ended game stays listed. */
  readonly endedRetentionMs: number;
  /** The most ended games kept (the oldest go first). */
  readonly endedGamesKept: number;
  /** How many saved replays the recent list shows. */
  readonly recentReplays: number;
  /** How often an ended game not yet found in the vault is looked for again. */
  readonly downloadCheckMs: number;
  /** Without `downloads`, link an ended game's download at once (a vault served elsewhere). */
  readonly linkEndedGames: boolean;
}

/** A saved replay as the API lists it. */
export interface ReplayView {
  readonly id: string;
  readonly size: number;
  readonly saved_at: string;
  readonly download_url: string;
}

interface EndedGame {
  view: GameView;
  readonly endedAtMs: number;
  nextCheckMs: number;
}

/**
 * The games the HTTP port shows: the directory's live games, and the games it saw end, kept for
 * `endedRetentionMs` with their download link once the vault has them (the hand-over from live
 * to vault). The directory forgets a game as soon as it is saved; this board remembers a bounded
 * few. `refresh` is cheap and synchronous; `refreshDownloads` does the file look-ups.
 */
export class GameBoard {
  readonly #options: GameBoardOptions;
  readonly #views = new GameViews();
  readonly #live = new Map<GameId, LiveGameSnapshot>();
  readonly #ended = new Map<GameId, EndedGame>();
  readonly #saved = new Map<GameId, SavedReplay>();
  #recent: readonly SavedReplay[] = [];

  constructor(options: GameBoardOptions) {
    this.#options = options;
  }

  /** Takes the directory's list now: games that left it are ended. Returns every game shown. */
  refresh(): GameView[] {
    const nowMs = this.#options.now();
    const current = new Map(this.#options.directory.list().map((game) => [game.gameId, game]));
    for (const [gameId, last] of this.#live) {
      if (!current.has(gameId)) this.#end(gameId, last, nowMs);
    }
    this.#live.clear();
    for (const [gameId, snapshot] of current) {
      this.#live.set(gameId, snapshot);
      this.#ended.delete(gameId);
    }
    this.#evict(nowMs);
    return [...this.#liveViews(nowMs), ...[...this.#ended.values()].map((ended) => ended.view)];
  }

  /** One game, live or recently ended. */
  game(gameId: GameId): GameView | undefined {
    const snapshot = this.#options.directory.get(gameId);
    if (snapshot !== undefined) return this.#liveView(snapshot, this.#options.now());
    return this.#ended.get(gameId)?.view;
  }

  /** Whether the game ended recently (it is no longer live here). */
  endedGame(gameId: GameId): GameView | undefined {
    return this.#ended.get(gameId)?.view;
  }

  /** Saved replays, newest first: the vault's recent list and the games seen to end here. */
  replays(): ReplayView[] {
    const byId = new Map<GameId, SavedReplay>();
    for (const replay of [...this.#saved.values(), ...this.#recent]) byId.set(replay.gameId, replay);
    return [...byId.values()]
      .sort((a, b) => b.modifiedMs - a.modifiedMs)
      .slice(0, this.#options.recentReplays)
      .map(replayView);
  }

  /** Looks the ended games without a download up in the vault, and renews the recent list. */
  async refreshDownloads(): Promise<void> {
    const { downloads } = this.#options;
    if (downloads === undefined) return;
    const nowMs = this.#options.now();
    for (const [gameId, ended] of this.#ended) {
      if (ended.view.download_url !== null || ended.nextCheckMs > nowMs) continue;
      ended.nextCheckMs = nowMs + this.#options.downloadCheckMs;
      const saved = await downloads.find(gameId);
      if (saved === undefined) continue;
      this.#remember(saved);
      ended.view = { ...ended.view, download_url: downloadPath(gameId) };
    }
    this.#recent = await downloads.recent(this.#options.recentReplays);
  }

  #remember(saved: SavedReplay): void {
    this.#saved.delete(saved.gameId);
    this.#saved.set(saved.gameId, saved);
    const oldest = this.#saved.keys().next();
    if (this.#saved.size > this.#options.recentReplays && oldest.done !== true)
      this.#saved.delete(oldest.value);
  }

  #liveViews(nowMs: number): GameView[] {
    return [...this.#live.values()].map((snapshot) => this.#liveView(snapshot, nowMs));
  }

  #liveView(snapshot: LiveGameSnapshot, nowMs: number): GameView {
    return this.#views.view(snapshot, {
      nowMs,
      httpViewers: this.#options.httpViewers(snapshot.gameId),
      downloadUrl: null,
    });
  }

  #end(gameId: GameId, last: LiveGameSnapshot, nowMs: number): void {
    const view = this.#liveView(last, nowMs);
    this.#views.forget(gameId);
    this.#ended.set(gameId, {
      view: {
        ...view,
        state: 'ended',
        phase: 'ended',
        writers: 0,
        readers: 0,
        ended_at: iso(nowMs),
        download_url: this.#options.linkEndedGames ? downloadPath(gameId) : null,
      },
      endedAtMs: nowMs,
      nextCheckMs: nowMs,
    });
  }

  #evict(nowMs: number): void {
    for (const [gameId, ended] of this.#ended) {
      const tooMany = this.#ended.size > this.#options.endedGamesKept;
      if (!tooMany && nowMs - ended.endedAtMs < this.#options.endedRetentionMs) break;
      this.#ended.delete(gameId);
    }
  }
}

export function downloadPath(gameId: GameId): string {
  return `/api/v1/replays/${gameId}`;
}

function replayView(replay: SavedReplay): ReplayView {
  return {
    id: replay.gameId.toString(),
    size: replay.size,
    saved_at: iso(replay.modifiedMs),
    download_url: downloadPath(replay.gameId),
  };
}
