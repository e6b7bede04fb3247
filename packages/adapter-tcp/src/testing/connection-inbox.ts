import type { ByteConnection } from '@faf-replay/core';

/**
 * Collects the connections a listener hands out, for tests: pass `inbox.accept` as the
 * listener's `onConnection`, then `await inbox.next()`. `destroyAll()` cleans up after a test.
 */
export class ConnectionInbox<C extends ByteConnection = ByteConnection> {
  readonly #ready: C[] = [];
  readonly #waiting: ((connection: C) => void)[] = [];
  readonly #all: C[] = [];

  readonly accept = (connection: C): void => {
    this.#all.push(connection);
    const waiter = this.#waiting.shift();
    if (waiter === undefined) this.#ready.push(connection);
    else waiter(connection);
  };

  next(): Promise<C> {
    const connection = this.#ready.shift();
    if (connection !== undefined) return Promise.resolve(connection);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** How many connections were handed out so far. */
  get received(): number {
    return this.#all.length;
  }

  destroyAll(): void {
    for (const connection of this.#all) connection.destroy();
  }
}
