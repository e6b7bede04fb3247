import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/**
 * A database that does not answer: it accepts connections and never sends a byte, so each
 * query waits for the driver's timeouts; with `dropAfterMs`, each connection is closed after
 * that long, so each query fails after a known time instead. No MariaDB needed.
 */
export class DeadDatabase {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(dropAfterMs: number | undefined) {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => this.#sockets.delete(socket));
      if (dropAfterMs !== undefined) setTimeout(() => socket.destroy(), dropAfterMs).unref();
    });
  }

  static async start(options: { dropAfterMs?: number } = {}): Promise<DeadDatabase> {
    const database = new DeadDatabase(options.dropAfterMs);
    await new Promise<void>((resolve) => database.#server.listen(0, '127.0.0.1', resolve));
    return database;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  /** Flags that point the app at this database (FAF mode). */
  flags(): string[] {
    return ['--database.host=127.0.0.1', `--database.port=${this.port}`];
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
