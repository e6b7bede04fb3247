import type { ByteConnection, ConnectionHandler } from '@faf-replay/core';

/** Every open connection, so that shutdown can cut the ones still open at its deadline. */
export class ConnectionTracker {
  readonly #handler: ConnectionHandler;
  readonly #open = new Set<ByteConnection>();

  constructor(handler: ConnectionHandler) {
    this.#handler = handler;
  }

  get openConnections(): number {
    return this.#open.size;
  }

  accept(connection: ByteConnection): void {
    this.#open.add(connection);
    void this.#handler.handleConnection(connection).finally(() => this.#open.delete(connection));
  }

  destroyAll(): void {
    for (const connection of this.#open) connection.destroy();
  }
}
