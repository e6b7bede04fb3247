import type { GameId } from '../game-id.js';
import type { ByteConnection } from '../ports/byte-connection.js';
import type { Logger } from '../ports/logger.js';
import type { Clock } from '../ports/clock.js';
import type { ConnectionResult, ServerEvents } from '../ports/server-events.js';
import { QuorumMerge } from '../merge/index.js';
import { countTicks } from '../protocol/index.js';
import { CanonicalStream, PositionHistory, WriterStream } from '../streams/index.js';
import { Notifier, untilNextOrAborted } from './notifier.js';
import { sendToReader } from './reader-session.js';
import { bodyOfChunks } from './replay-saver.js';
import type { ReplaySaver, SaveResult } from './replay-saver.js';
import type { ReplaySettings } from './replay-settings.js';
import { receiveWriterStream } from './writer-session.js';

export type ReplayPhase = 'writing' | 'finishing' | 'saving' | 'draining' | 'ended';

export interface ReplayDeps {
  readonly clock: Clock;
  readonly events: ServerEvents;
  readonly logger: Logger;
  readonly saver: ReplaySaver;
}

/**
 * One live game. Its life is a short script (`#live`): a write phase that ends after a grace
 * period with zero writers, stop accepting, let the writers finish, finalize the merge, save,
 * let the readers finish. A forced timeout or a shutdown cuts it short at any step, keeping and
 * saving whatever was merged.
 */
export class Replay {
  readonly gameId: GameId;
  /** Resolves when the replay has ended (saved and every connection closed). Never rejects. */
  readonly ended: Promise<void>;
  readonly #settings: ReplaySettings;
  readonly #deps: ReplayDeps;
  readonly #log: Logger;
  readonly #canonical = new CanonicalStream();
  readonly #merge: QuorumMerge;
  readonly #writers = new Map<ByteConnection, WriterStream>();
  readonly #readers = new Set<ByteConnection>();
  readonly #writersChanged = new Notifier();
  readonly #readersChanged = new Notifier();
  /** Forced timeout or shutdown: cuts writers and readers. */
  readonly #cut = new AbortController();
  readonly #shutdown: AbortSignal;
  readonly #over = new AbortController();
  readonly #startedAtMs: number;
  #firstWriterName: string | undefined;
  #phase: ReplayPhase = 'writing';
  #saveResult: SaveResult | undefined;

  constructor(gameId: GameId, settings: ReplaySettings, deps: ReplayDeps, shutdown: AbortSignal) {
    this.gameId = gameId;
    this.#settings = settings;
    this.#deps = deps;
    this.#shutdown = shutdown;
    this.#log = deps.logger.child({ replayId: String(gameId) });
    this.#merge = new QuorumMerge(this.#canonical, settings.merge);
    this.#startedAtMs = deps.clock.now();
    shutdown.addEventListener('abort', () => this.#cutShort('shutdown'), { once: true });
    this.ended = this.#live();
  }

  get phase(): ReplayPhase {
    return this.#phase;
  }

  get accepting(): boolean {
    return this.#phase === 'writing' && !this.#cut.signal.aborted;
  }

  /** What became of the replay's data, once it is saved. */
  get saveResult(): SaveResult | undefined {
    return this.#saveResult;
  }

  get writerCount(): number {
    return this.#writers.size;
  }

  get readerCount(): number {
    return this.#readers.size;
  }

  /** Attaches a writer; `undefined` when the write phase is over. Resolves when it is done. */
  addWriter(
    connection: ByteConnection,
    input: AsyncIterable<Uint8Array>,
    name: string,
  ): Promise<void> | undefined {
    if (!this.accepting) return undefined;
    this.#firstWriterName ??= name;
    const stream = new WriterStream(
      connection.id,
      new PositionHistory(this.#settings.delayMs, this.#settings.updateIntervalMs),
    );
    this.#writers.set(connection, stream);
    this.#merge.writerAdded(stream);
    this.#writersChanged.notify();
    return this.#serveWriter(connection, input, stream);
  }

  /** Attaches a reader; `undefined` when the write phase is over. Resolves when it is done. */
  addReader(connection: ByteConnection, input: AsyncIterable<Uint8Array>): Promise<void> | undefined {
    if (!this.accepting) return undefined;
    this.#readers.add(connection);
    this.#deps.events.readersChanged(this.gameId, this.#readers.size);
    return this.#serveReader(connection, input);
  }

  async #live(): Promise<void> {
    this.#deps.events.replayStarted(this.gameId);
    this.#log.info({}, `Replay ${this.gameId} started`);
    void this.#forcedTimeout();
    const ticking = this.#tickPositions();
    await this.#writePhase();
    this.#phase = 'finishing';
    this.#writersChanged.notify();
    await this.#untilNone(this.#writers, this.#writersChanged);
    await ticking;
    this.#merge.finish();
    this.#phase = 'saving';
    await this.#save();
    this.#phase = 'draining';
    await this.#untilNone(this.#readers, this.#readersChanged);
    this.#phase = 'ended';
    this.#over.abort();
    this.#deps.events.replayEnded(this.gameId);
    this.#log.info({}, `Replay ${this.gameId} ended`);
  }

  /** Until there has been no writer for the whole grace period, or the replay is cut. */
  async #writePhase(): Promise<void> {
    const cut = this.#cut.signal;
    while (!cut.aborted) {
      if (this.#writers.size > 0) {
        await untilNextOrAborted(this.#writersChanged.next(), cut);
        continue;
      }
      const writerArrived = new AbortController();
      void this.#writersChanged.next().then(() => writerArrived.abort());
      await this.#deps.clock.sleep(this.#settings.graceMs, AbortSignal.any([cut, writerArrived.signal]));
      if (!writerArrived.signal.aborted) return;
    }
  }

  /** Every update interval, each writer's position history moves and the merge hears of it. */
  async #tickPositions(): Promise<void> {
    while (this.#phase === 'writing' || this.#writers.size > 0) {
      if (this.#writers.size === 0) {
        await untilNextOrAborted(this.#writersChanged.next(), this.#cut.signal);
        continue;
      }
      await this.#deps.clock.sleep(this.#settings.updateIntervalMs, this.#cut.signal);
      for (const stream of this.#writers.values()) {
        if (stream.recordPosition()) this.#merge.writerUpdated(stream);
      }
      if (this.#cut.signal.aborted) return;
    }
  }

  async #forcedTimeout(): Promise<void> {
    await this.#deps.clock.sleep(this.#settings.forcedTimeoutMs, this.#over.signal);
    if (!this.#over.signal.aborted) this.#cutShort('forced timeout');
  }

  #cutShort(why: 'forced timeout' | 'shutdown'): void {
    if (this.#cut.signal.aborted || this.#phase === 'ended') return;
    this.#log.info({ why }, `Replay ${this.gameId} cut short: ${why}`);
    this.#cut.abort(why);
    for (const connection of this.#writers.keys()) connection.destroy();
    // The Rust server cuts readers at a forced timeout; at shutdown they are closed gracefully.
    if (why === 'forced timeout') for (const connection of this.#readers) connection.destroy();
  }

  async #serveWriter(
    connection: ByteConnection,
    input: AsyncIterable<Uint8Array>,
    stream: WriterStream,
  ): Promise<void> {
    const { events } = this.#deps;
    events.connectionMoved('initial', 'writer');
    const outcome = await receiveWriterStream(input, stream, {
      headerReceived: (header) => {
        this.#merge.writerHeader(stream, header);
        if (stream.recordPosition()) this.#merge.writerUpdated(stream);
      },
      bytesReceived: (bytes) => events.bytesReceived(bytes),
    });
    stream.finish();
    // The merge hears the final positions before the removal, as in the Rust server (spec §4.2).
    this.#merge.writerUpdated(stream);
    this.#merge.writerRemoved(stream);
    this.#writers.delete(connection);
    this.#writersChanged.notify();
    this.#finishConnection(connection, 'writer', outcome.result, outcome.reason);
    if (this.#cut.signal.aborted) connection.destroy();
    else await connection.end();
  }

  async #serveReader(connection: ByteConnection, input: AsyncIterable<Uint8Array>): Promise<void> {
    const { events } = this.#deps;
    events.connectionMoved('initial', 'reader');
    const outcome = await sendToReader(connection, input, this.#canonical, this.#cut.signal, (bytes) =>
      events.bytesSent(bytes),
    );
    await connection.end();
    this.#readers.delete(connection);
    events.readersChanged(this.gameId, this.#readers.size);
    this.#readersChanged.notify();
    this.#finishConnection(connection, 'reader', outcome.result, outcome.reason);
  }

  #finishConnection(
    connection: ByteConnection,
    role: 'writer' | 'reader',
    result: ConnectionResult,
    reason: string | undefined,
  ): void {
    this.#deps.events.connectionMoved(role, null);
    this.#deps.events.connectionServed(result, role);
    const log = this.#log.child({ connId: connection.id });
    if (result === 'Success') log.debug({ peer: connection.peer }, `${role} finished`);
    else log.info({ peer: connection.peer, result, reason }, `${role} ended early: ${reason ?? result}`);
  }

  async #untilNone(connections: { readonly size: number }, changed: Notifier): Promise<void> {
    while (connections.size > 0) await changed.next();
  }

  async #save(): Promise<void> {
    const body = this.#canonical.body();
    this.#saveResult = await this.#deps.saver.save(
      {
        facts: {
          gameId: this.gameId,
          startedAtMs: this.#startedAtMs,
          endedAtMs: this.#deps.clock.now(),
          firstWriterName: this.#firstWriterName ?? '',
        },
        scfaHeader: this.#canonical.header,
        ...bodyOfChunks(body),
        ticks: countTicks(body),
      },
      this.#shutdown,
      this.#log,
    );
  }
}
