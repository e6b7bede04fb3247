import { ConnectionError } from '../errors.js';
import type { ByteConnection } from '../ports/byte-connection.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ServerEvents } from '../ports/server-events.js';
import { ConnectionHeaderReader } from '../protocol/index.js';
import type { ConnectionHeader } from '../protocol/index.js';
import { prepend } from './notifier.js';
import type { ReplayRegistry } from './replay-registry.js';

export interface ConnectionHandlerDeps {
  readonly registry: ReplayRegistry;
  readonly clock: Clock;
  readonly events: ServerEvents;
  readonly logger: Logger;
  /** How long a connection may take to send its `P/…\0` or `G/…\0` header (hours: FA connects in the lobby). */
  readonly headerTimeoutMs: number;
}

type HeaderRead =
  | { readonly kind: 'header'; readonly header: ConnectionHeader; readonly input: AsyncIterable<Uint8Array> }
  | { readonly kind: 'empty' }
  | { readonly kind: 'bad'; readonly reason: string; readonly result: 'Bad data' | 'I/O error' };

/**
 * The entry point of every connection: reads its connection header under a timeout, then hands
 * it to its replay as a writer or a reader. Bad input ends this connection only, with a logged
 * reason; nothing a client sends can throw out of here.
 */
export class ConnectionHandler {
  readonly #deps: ConnectionHandlerDeps;

  constructor(deps: ConnectionHandlerDeps) {
    this.#deps = deps;
  }

  /** Serves one connection; resolves when it is closed. Never rejects. */
  async handleConnection(connection: ByteConnection): Promise<void> {
    const { events } = this.#deps;
    const log = this.#deps.logger.child({ connId: connection.id });
    events.connectionMoved(null, 'initial');
    const read = await this.#readHeader(connection);
    if (read.kind !== 'header') {
      events.connectionMoved('initial', null);
      await this.#close(connection, read, log);
      return;
    }
    const { header, input } = read;
    const attachment =
      header.role === 'writer'
        ? await this.#deps.registry.attachWriter(header.gameId, connection, input, header.name)
        : this.#deps.registry.attachReader(header.gameId, connection, input);
    if (attachment.attached) {
      await attachment.done;
      return;
    }
    events.connectionMoved('initial', null);
    events.connectionServed('No replay matched', null);
    log.info({ peer: connection.peer, role: header.role }, `${connection.id} refused: ${attachment.reason}`);
    await connection.end();
  }

  async #readHeader(connection: ByteConnection): Promise<HeaderRead> {
    const reader = new ConnectionHeaderReader();
    const iterator = connection.incoming[Symbol.asyncIterator]();
    const headerRead = new AbortController();
    const timeout = { expired: false };
    void this.#deps.clock.sleep(this.#deps.headerTimeoutMs, headerRead.signal).then(() => {
      if (headerRead.signal.aborted) return;
      timeout.expired = true;
      connection.destroy();
    });
    try {
      for (;;) {
        const next = await iterator.next();
        const step = next.done === true ? reader.end() : reader.push(next.value);
        if (step.status === 'need-more') continue;
        if (step.status === 'empty') return { kind: 'empty' };
        if (step.status === 'rejected')
          return { kind: 'bad', reason: step.rejection.message, result: 'Bad data' };
        return { kind: 'header', header: step.header, input: prepend(step.rest, iterator) };
      }
    } catch (error) {
      if (timeout.expired)
        return { kind: 'bad', reason: 'Timed out while accepting connection', result: 'Bad data' };
      if (error instanceof ConnectionError)
        return { kind: 'bad', reason: error.message, result: 'I/O error' };
      throw error;
    } finally {
      headerRead.abort();
    }
  }

  async #close(
    connection: ByteConnection,
    read: Exclude<HeaderRead, { kind: 'header' }>,
    log: Logger,
  ): Promise<void> {
    if (read.kind === 'empty') {
      log.debug({ peer: connection.peer }, 'empty connection');
    } else {
      this.#deps.events.connectionServed(read.result, null);
      log.info({ peer: connection.peer, reason: read.reason }, `Could not accept connection: ${read.reason}`);
    }
    if (read.kind === 'bad' && read.result === 'I/O error') connection.destroy();
    else await connection.end();
  }
}
