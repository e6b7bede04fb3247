import type { ByteConnection, Logger } from '@faf-replay/core';

/** Every open connection, so that shutdown can cut the ones still open at its deadline. */
export class ConnectionTracker {
  readonly #handle: (connection: ByteConnection) => Promise<void>;
  readonly #logger: Logger;
  readonly #open = new Set<ByteConnection>();

  constructor(handle: (connection: ByteConnection) => Promise<void>, logger: Logger) {
    this.#handle = handle;
    this.#logger = logger;
  }

  get openConnections(): number {
    return this.#open.size;
  }

  accept(connection: ByteConnection): void {
    this.#open.add(connection);
    this.#handle(connection)
      .catch((error: unknown) => {
        // A bug while serving one connection ends that connection only, never the process.
        this.#logger.error({ err: error, connId: connection.id }, `Connection ${connection.id} failed`);
        connection.destroy();
      })
      .finally(() => this.#open.delete(connection));
  }

  destroyAll(): void {
    for (const connection of this.#open) connection.destroy();
  }
}
