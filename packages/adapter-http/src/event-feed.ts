import type { ServerResponse } from 'node:http';
import type { GameBoard, ReplayView } from './game-board.js';
import type { GameView } from './game-view.js';
import { iso } from './game-view.js';

export interface EventFeedOptions {
  readonly board: GameBoard;
  readonly now: () => number;
  /** How often the directory is looked at and the changes sent. */
  readonly pollIntervalMs: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs: number;
  /** A subscriber with more than this unsent is dropped: a slow client never grows our memory. */
  readonly maxBufferedBytes: number;
  /** A failed vault look-up, for the log. */
  readonly onError: (error: unknown) => void;
}

/** What the page and clients get: each event's data is JSON with the server's time. */
export type FeedEvent =
  | {
      readonly event: 'snapshot';
      readonly games: readonly GameView[];
      readonly replays: readonly ReplayView[];
    }
  | { readonly event: 'game'; readonly game: GameView }
  | { readonly event: 'gone'; readonly id: string }
  | { readonly event: 'replays'; readonly replays: readonly ReplayView[] };

/**
 * `GET /api/v1/events`: Server-Sent Events of the game list. It polls the board once per
 * interval, diffs each game's JSON against what it last sent, and sends only the games that
 * changed (`game`), left (`gone`), and the saved-replay list when it changed (`replays`). A new
 * subscriber first gets the whole list (`snapshot`).
 */
export class EventFeed {
  readonly #options: EventFeedOptions;
  readonly #subscribers = new Set<ServerResponse>();
  #sentGames = new Map<string, string>();
  #sentReplays = '[]';
  #poll: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(options: EventFeedOptions) {
    this.#options = options;
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  start(): void {
    this.#poll ??= setInterval(() => void this.poll(), this.#options.pollIntervalMs);
    this.#heartbeat ??= setInterval(() => this.#broadcast(': ping\n\n'), this.#options.heartbeatMs);
  }

  /** Starts an event stream on `response` (headers not sent yet). */
  subscribe(response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    this.#subscribers.add(response);
    response.once('close', () => this.#subscribers.delete(response));
    const games = this.#options.board.refresh();
    const replays = this.#options.board.replays();
    this.#send(response, `retry: 3000\n\n${this.#format({ event: 'snapshot', games, replays })}`);
  }

  /** One round: refresh, look up downloads, send what changed. */
  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      this.#options.board.refresh();
      await this.#options.board.refreshDownloads().catch(this.#options.onError);
      this.#sendChanges(this.#options.board.refresh());
    } finally {
      this.#polling = false;
    }
  }

  /** Ends every event stream and stops polling. */
  close(): void {
    clearInterval(this.#poll);
    clearInterval(this.#heartbeat);
    for (const response of this.#subscribers) response.end();
    this.#subscribers.clear();
  }

  #sendChanges(games: readonly GameView[]): void {
    const sent = new Map<string, string>();
    let text = '';
    for (const game of games) {
      const json = JSON.stringify(game);
      sent.set(game.id, json);
      if (this.#sentGames.get(game.id) !== json) text += this.#format({ event: 'game', game });
    }
    for (const id of this.#sentGames.keys()) {
      if (!sent.has(id)) text += this.#format({ event: 'gone', id });
    }
    this.#sentGames = sent;
    const replays = this.#options.board.replays();
    const replaysJson = JSON.stringify(replays);
    if (replaysJson !== this.#sentReplays) text += this.#format({ event: 'replays', replays });
    this.#sentReplays = replaysJson;
    if (text !== '') this.#broadcast(text);
  }

  #format(message: FeedEvent): string {
    const { event, ...data } = message;
    return `event: ${event}\ndata: ${JSON.stringify({ ...data, server_time: iso(this.#options.now()) })}\n\n`;
  }

  #broadcast(text: string): void {
    for (const response of this.#subscribers) this.#send(response, text);
  }

  #send(response: ServerResponse, text: string): void {
    if (response.writableLength > this.#options.maxBufferedBytes) {
      response.destroy();
      return;
    }
    response.write(text);
  }
}
