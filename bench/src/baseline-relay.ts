import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

const HEADER_LIMIT_BYTES = 1024;

interface RelayGame {
  /** The first writer's bytes so far, for readers that join late. */
  readonly chunks: Buffer[];
  readonly readers: Set<Socket>;
  source: Socket | undefined;
  ended: boolean;
  writers: number;
}

/**
 * The baseline: the least a relay must do. It speaks the same connection header
 * (`P/<id>/<name>\0` or `G/<id>/<name>\0`) and forwards each game's first writer's bytes to its
 * readers at once. No merge, no delay, no save; other writers are read and dropped. Late readers
 * get what came before from memory, as the real server gives them its canonical stream, and a
 * game is kept for `graceMs` after its last writer, as the server keeps a replay for its grace
 * period (so the same load sends readers the same bytes in both).
 */
export class BaselineRelay {
  readonly #server: Server;
  readonly #games = new Map<string, RelayGame>();
  readonly #graceMs: number;

  constructor(graceMs = 3_000) {
    this.#graceMs = graceMs;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  /** Games with a writer or a reader connected. */
  get liveGames(): number {
    return this.#games.size;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(port, host, resolve));
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    const onHeader = (chunk: Buffer): void => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const end = pending.indexOf(0);
      if (end < 0) {
        if (pending.length > HEADER_LIMIT_BYTES + 2) socket.destroy();
        return;
      }
      socket.off('data', onHeader);
      const header = pending.toString('latin1', 0, end);
      const gameId = header.slice(2, header.indexOf('/', 2));
      if (header.startsWith('P/')) this.#attachWriter(socket, gameId, pending.subarray(end + 1));
      else if (header.startsWith('G/')) this.#attachReader(socket, gameId);
      else socket.destroy();
    };
    socket.on('data', onHeader);
  }

  #attachWriter(socket: Socket, gameId: string, rest: Buffer): void {
    let game = this.#games.get(gameId);
    if (game === undefined) {
      game = { chunks: [], readers: new Set(), source: socket, ended: false, writers: 0 };
      this.#games.set(gameId, game);
    }
    const live = game;
    live.writers++;
    const forward = live.source === socket;
    if (forward && rest.length > 0) this.#forward(live, rest);
    socket.on('data', forward ? (chunk: Buffer) => this.#forward(live, chunk) : () => undefined);
    socket.on('close', () => this.#writerClosed(gameId, live, forward));
  }

  #forward(game: RelayGame, chunk: Buffer): void {
    game.chunks.push(chunk);
    for (const reader of game.readers) reader.write(chunk);
  }

  #writerClosed(gameId: string, game: RelayGame, wasSource: boolean): void {
    game.writers--;
    if (wasSource) {
      game.ended = true;
      for (const reader of game.readers) reader.end();
    }
    if (game.writers === 0) this.#forgetLater(gameId, game);
  }

  /** Forgets the game after the grace period, unless a writer or reader is still there then. */
  #forgetLater(gameId: string, game: RelayGame): void {
    setTimeout(() => {
      const idle = game.writers === 0 && game.readers.size === 0;
      if (idle && this.#games.get(gameId) === game) this.#games.delete(gameId);
    }, this.#graceMs).unref();
  }

  #attachReader(socket: Socket, gameId: string): void {
    const game = this.#games.get(gameId);
    if (game === undefined) {
      socket.destroy();
      return;
    }
    socket.on('data', () => undefined);
    for (const chunk of game.chunks) socket.write(chunk);
    if (game.ended) {
      socket.end();
      return;
    }
    game.readers.add(socket);
    socket.on('close', () => {
      game.readers.delete(socket);
      if (game.writers === 0) this.#forgetLater(gameId, game);
    });
  }
}
