import type { ConnectionError } from '../errors.js';
import type { ByteConnection, ByteReceiver } from '../ports/byte-connection.js';
import type { Clock } from '../ports/clock.js';
import type { AcceptedConnection, Attachment, GameDirectory } from '../ports/game-directory.js';
import type { Logger } from '../ports/logger.js';
import type { ServerEvents } from '../ports/server-events.js';
import { ConnectionHeaderReader, SCFA_HEADER_LIMIT_BYTES } from '../protocol/index.js';
import type { ConnectionHeader } from '../protocol/index.js';
import { PendingInput, withInput } from './accepted-connection.js';
import { WAIT_CANCELLED } from './wait-cancelled.js';

export interface ConnectionHandlerDeps {
  readonly directory: GameDirectory;
  readonly clock: Clock;
  readonly events: ServerEvents;
  readonly logger: Logger;
  /** How long a connection may take to send its `P/…\0` or `G/…\0` header (hours: FA connects in the lobby). */
  readonly headerTimeoutMs: number;
}

type HeaderRead =
  | { readonly kind: 'header'; readonly header: ConnectionHeader; readonly input: PendingInput }
  | { readonly kind: 'empty' }
  | { readonly kind: 'bad'; readonly reason: string; readonly result: 'Bad data' | 'I/O error' };

/** What a connection may send after its header while it waits to be attached: a whole SCFA header and more. */
const MAX_WAITING_BYTES = 2 * SCFA_HEADER_LIMIT_BYTES;

/**
 * The entry point of every connection: reads its connection header under a timeout, then hands
 * it to its game as a writer or a reader, as one `AcceptedConnection`. Bad input ends this
 * connection only, with a logged reason; nothing a client sends can throw out of here.
 */
export class ConnectionHandler {
  readonly #deps: ConnectionHandlerDeps;

  constructor(deps: ConnectionHandlerDeps) {
    this.#deps = deps;
  }

  /** Serves one connection; resolves when it is closed. Never rejects. */
  async handleConnection(connection: ByteConnection): Promise<void> {
    const { events, directory } = this.#deps;
    const log = this.#deps.logger.child({ connId: connection.id });
    events.connectionMoved(null, 'initial');
    const read = await this.#readHeader(connection);
    if (read.kind !== 'header') {
      events.connectionMoved('initial', null);
      await this.#close(connection, read, log);
      return;
    }
    const accepted: AcceptedConnection = {
      header: read.header,
      connection: withInput(connection, read.input),
    };
    const attachment =
      read.header.role === 'writer'
        ? await directory.attachWriter(accepted)
        : await directory.attachReader(accepted);
    if (attachment.kind === 'attached') {
      await attachment.done;
      return;
    }
    events.connectionMoved('initial', null);
    events.connectionServed('No replay matched', null);
    log.info(
      { peer: connection.peer, role: read.header.role, replayId: String(read.header.gameId) },
      `${connection.id} refused: ${describe(attachment)}`,
    );
    await connection.end();
  }

  #readHeader(connection: ByteConnection): Promise<HeaderRead> {
    const { promise, resolve } = Promise.withResolvers<HeaderRead>();
    const timer = new AbortController();
    const phase = new HeaderPhase(
      new PendingInput(MAX_WAITING_BYTES, () => void connection.end()),
      (read) => {
        timer.abort(WAIT_CANCELLED);
        resolve(read);
      },
    );
    void this.#deps.clock.sleep(this.#deps.headerTimeoutMs, timer.signal).then(() => {
      if (timer.signal.aborted) return;
      phase.settle({ kind: 'bad', reason: 'Timed out while accepting connection', result: 'Bad data' });
      connection.destroy();
    });
    connection.receive(phase);
    return promise;
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

function describe(attachment: Exclude<Attachment, { kind: 'attached' }>): string {
  return attachment.kind === 'refused'
    ? attachment.reason
    : `the game lives elsewhere (${attachment.location})`;
}

/**
 * A connection's input until its connection header is read: the header reader gets the bytes;
 * once the header is complete, the rest (and everything after) goes to the pending input that
 * the accepted connection reads from.
 */
class HeaderPhase implements ByteReceiver {
  readonly #reader = new ConnectionHeaderReader();
  readonly #input: PendingInput;
  readonly #settled: (read: HeaderRead) => void;
  #read: HeaderRead | undefined;

  constructor(input: PendingInput, settled: (read: HeaderRead) => void) {
    this.#input = input;
    this.#settled = settled;
  }

  settle(read: HeaderRead): void {
    if (this.#read !== undefined) return;
    this.#read = read;
    this.#settled(read);
  }

  data(chunk: Uint8Array): void {
    if (this.#read?.kind === 'header') this.#input.data(chunk);
    if (this.#read !== undefined) return;
    const step = this.#reader.push(chunk);
    if (step.status === 'rejected') this.settle(bad(step.rejection.message));
    if (step.status !== 'complete') return;
    this.settle({ kind: 'header', header: step.header, input: this.#input });
    if (step.rest.length > 0) this.#input.data(step.rest);
  }

  end(): void {
    if (this.#read?.kind === 'header') this.#input.end();
    if (this.#read !== undefined) return;
    const step = this.#reader.end();
    if (step.status === 'empty') this.settle({ kind: 'empty' });
    else
      this.settle(
        bad(step.status === 'rejected' ? step.rejection.message : 'Connection header is incomplete'),
      );
  }

  fail(error: ConnectionError): void {
    if (this.#read?.kind === 'header') this.#input.fail(error);
    this.settle({ kind: 'bad', reason: error.message, result: 'I/O error' });
  }
}

function bad(reason: string): HeaderRead {
  return { kind: 'bad', reason, result: 'Bad data' };
}
