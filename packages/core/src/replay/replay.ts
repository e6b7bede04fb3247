import type { GameId } from '../game-id.js';
import type { BlockPool } from '../merge/block-pool.js';
import { HorizonMerge } from '../merge/index.js';
import type { ByteConnection } from '../ports/byte-connection.js';
import type { Clock } from '../ports/clock.js';
import type { AcceptedConnection, GamePhase, LiveGameSnapshot } from '../ports/game-directory.js';
import type { LiveStream } from '../ports/live-stream.js';
import type { Logger } from '../ports/logger.js';
import type { JournalEntry, ReplayLog } from '../ports/replay-log.js';
import type { ConnectionResult, ServerEvents } from '../ports/server-events.js';
import { BodyFrameWalker } from '../protocol/index.js';
import type { HeaderBudget } from '../protocol/index.js';
import { DecideLoop } from './decide-loop.js';
import { Notifier, untilNextOrAborted } from './notifier.js';
import { sendToReader } from './reader-session.js';
import type { ReplaySaver, SaveReport, SaveResult } from './replay-saver.js';
import type { ReplaySettings } from './replay-settings.js';
import { logDivergence, logEnd, readCommitted } from './replay-report.js';
import { ReplayStream } from './replay-stream.js';
import { WriterSession } from './writer-session.js';
import { WAIT_CANCELLED } from './wait-cancelled.js';

export interface ReplayDeps {
  readonly clock: Clock;
  readonly events: ServerEvents;
  readonly logger: Logger;
  readonly saver: ReplaySaver;
  /** The process-wide bound on SCFA-header bytes held while headers are incomplete. */
  readonly headerBudget?: HeaderBudget;
  /** Where the merges' blocks come from; plain arrays, left to the garbage collector, without. */
  readonly blockPool?: BlockPool;
}

export type CutReason = 'forced timeout' | 'shutdown';

/**
 * One live game. Its life is a short script (`#live`): a write phase that ends after a grace
 * period with zero writers, stop accepting, let the writers finish, decide the rest of the merge,
 * save, let the readers finish. A forced timeout or a shutdown cuts it short at any step, keeping
 * and saving whatever was received. Its bytes live in its `ReplayLog`; it holds no reference to
 * anything that outlives it, so once ended and dropped by the directory it is garbage.
 */
export class Replay {
  readonly gameId: GameId;
  /** Resolves when the replay has ended (saved and every connection closed). Never rejects. */
  readonly ended: Promise<void>;
  readonly stream: LiveStream;
  readonly #settings: ReplaySettings;
  readonly #deps: ReplayDeps;
  readonly #log: Logger;
  readonly #replayLog: ReplayLog;
  readonly #merge: HorizonMerge;
  readonly #decider: DecideLoop;
  readonly #ticks = new BodyFrameWalker();
  readonly #writers = new Map<ByteConnection, number>();
  readonly #readers = new Set<ByteConnection>();
  readonly #writersChanged = new Notifier();
  readonly #readersChanged = new Notifier();
  /** Forced timeout or shutdown: cuts writers and readers. */
  readonly #cut = new AbortController();
  readonly #lifeOver = new AbortController();
  readonly #startedAtMs: number;
  #firstWriterName: string | undefined;
  #phase: GamePhase = 'writing';
  #endReason = 'no writer for the grace period';
  #writersSeen = 0;
  #readersSeen = 0;
  #saveReport: SaveReport | undefined;
  #stored = false;
  #released = false;

  constructor(
    gameId: GameId,
    settings: ReplaySettings,
    deps: ReplayDeps,
    replayLog: ReplayLog,
    recovered?: AsyncIterable<JournalEntry>,
  ) {
    this.gameId = gameId;
    this.#settings = settings;
    this.#deps = deps;
    this.#replayLog = replayLog;
    this.#log = deps.logger.child({ replayId: String(gameId) });
    this.#startedAtMs = deps.clock.now();
    this.#merge = new HorizonMerge(
      {
        delayMs: settings.delayMs,
        coalesceMs: settings.updateIntervalMs,
        comparisonDistanceBytes: settings.merge.comparisonDistanceBytes,
      },
      {
        canonical: replayLog.canonical,
        journal: (entry) => replayLog.journal(entry),
        bodyCommitted: (views) => {
          for (const view of views) this.#ticks.push(view);
        },
        diverged: (divergence) => {
          logDivergence(this.#log, gameId, divergence, settings.merge.quorumSize);
        },
      },
      deps.blockPool,
    );
    this.#decider = new DecideLoop(deps.clock, this.#merge);
    this.stream = new ReplayStream(gameId, replayLog.canonical, () => this.#merge.header);
    this.ended = this.#live(recovered);
  }

  get phase(): GamePhase {
    return this.#phase;
  }

  get accepting(): boolean {
    return this.#phase === 'writing' && !this.#cut.signal.aborted;
  }

  /** What became of the replay's data, once it is saved. */
  get saveResult(): SaveResult | undefined {
    return this.#saveReport?.result;
  }

  get writerCount(): number {
    return this.#writers.size;
  }

  get readerCount(): number {
    return this.#readers.size;
  }

  snapshot(): LiveGameSnapshot {
    const firstHeaderAtMs = this.#merge.firstHeaderAtMs;
    const { delayMs } = this.#settings;
    const ticks = this.#ticks.ticksSoFar;
    return {
      gameId: this.gameId,
      phase: this.#phase,
      startedAtMs: this.#startedAtMs,
      watchableFromMs: firstHeaderAtMs === undefined ? undefined : firstHeaderAtMs + delayMs,
      delayMs,
      writers: this.#writers.size,
      readers: this.#readers.size,
      bytes: this.stream.length,
      receivedBytes: (this.#merge.headerLength ?? 0) + this.#merge.receivedBodyLength,
      ticks,
      gameTimeMs: ticks * 100,
      scfaHeader: this.stream.header,
    };
  }

  /** Attaches a writer; `undefined` when the write phase is over. Resolves when it is done. */
  addWriter(accepted: AcceptedConnection): Promise<void> | undefined {
    if (!this.accepting) return undefined;
    const { connection, header } = accepted;
    this.#firstWriterName ??= header.name;
    this.#writersSeen++;
    const id = this.#merge.addWriter(header.name, this.#deps.clock.now());
    this.#writers.set(connection, id);
    this.#writersChanged.notify();
    return this.#serveWriter(connection, id);
  }

  /** Attaches a reader; `undefined` when the write phase is over. Resolves when it is done. */
  addReader(accepted: AcceptedConnection, fromOffset = 0): Promise<void> | undefined {
    if (!this.accepting) return undefined;
    this.#readers.add(accepted.connection);
    this.#readersSeen++;
    this.#deps.events.readersChanged(this.gameId, this.#readers.size);
    return this.#serveReader(accepted.connection, fromOffset);
  }

  /**
   * The directory no longer serves this ended replay: its log may go once the replay is stored
   * (a replay neither saved nor spooled keeps its log, which the next start recovers).
   */
  async release(): Promise<void> {
    this.#released = true;
    if (this.#stored) await this.#removeLog();
  }

  /** Cuts the replay short: writers are closed, readers stop; it saves what it has. */
  cut(why: CutReason): void {
    if (this.#cut.signal.aborted || this.#phase === 'ended') return;
    this.#log.info({ why }, `Replay ${this.gameId} cut short: ${why}`);
    this.#endReason = why;
    this.#cut.abort(why);
    for (const connection of this.#writers.keys()) connection.destroy();
    // The Rust server cuts readers at a forced timeout; at shutdown they are closed gracefully.
    if (why === 'forced timeout') for (const connection of this.#readers) connection.destroy();
  }

  async #live(recovered: AsyncIterable<JournalEntry> | undefined): Promise<void> {
    this.#deps.events.replayStarted(this.gameId);
    if (recovered !== undefined) await this.#restore(recovered);
    else this.#log.info({}, `Replay ${this.gameId} started`);
    void this.#forcedTimeout();
    const deciding = this.#decider.run();
    await this.#writePhase();
    this.#phase = 'finishing';
    this.#writersChanged.notify();
    await this.#untilNone(this.#writers, this.#writersChanged);
    await this.#decider.stop();
    await deciding;
    this.#merge.decideAll();
    this.#merge.dispose();
    this.#replayLog.canonical.finish();
    this.#phase = 'saving';
    await this.#save();
    this.#phase = 'draining';
    await this.#untilNone(this.#readers, this.#readersChanged);
    this.#phase = 'ended';
    this.#lifeOver.abort(WAIT_CANCELLED);
    this.#deps.events.replayEnded(this.gameId);
    logEnd(this.#log, this.snapshot(), {
      reason: this.#endReason,
      writersSeen: this.#writersSeen,
      readersSeen: this.#readersSeen,
      durationMs: this.#deps.clock.now() - this.#startedAtMs,
      saved: this.#saveReport,
    });
  }

  async #restore(entries: AsyncIterable<JournalEntry>): Promise<void> {
    const canonical = this.#replayLog.canonical;
    await this.#merge.restore(entries, canonical);
    await readCommitted(canonical, this.#merge.headerLength ?? canonical.length, (view) => {
      this.#ticks.push(view);
    });
    this.#log.info(
      { bodyBytes: this.#merge.receivedBodyLength, decidedBodyBytes: this.#merge.decidedBodyLength },
      `Replay ${this.gameId} recovered from its log`,
    );
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
      void this.#writersChanged.next().then(() => writerArrived.abort(WAIT_CANCELLED));
      await this.#deps.clock.sleep(this.#settings.graceMs, AbortSignal.any([cut, writerArrived.signal]));
      if (!writerArrived.signal.aborted) return;
    }
  }

  async #forcedTimeout(): Promise<void> {
    await this.#deps.clock.sleep(this.#settings.forcedTimeoutMs, this.#lifeOver.signal);
    if (!this.#lifeOver.signal.aborted) this.cut('forced timeout');
  }

  async #serveWriter(connection: ByteConnection, id: number): Promise<void> {
    const { events, clock } = this.#deps;
    events.connectionMoved('initial', 'writer');
    const session = new WriterSession(
      {
        header: (bytes) => this.#merge.writerHeader(id, bytes, clock.now()),
        body: (bytes) => {
          this.#merge.ingest(id, bytes, clock.now());
          this.#decider.dataArrived();
        },
        bytesReceived: (bytes) => events.bytesReceived(bytes),
      },
      this.#settings.maxStreamBytes,
      this.#deps.headerBudget,
    );
    connection.receive(session);
    const outcome = await session.done;
    this.#merge.writerLeft(id, clock.now());
    this.#decider.poke();
    this.#writers.delete(connection);
    this.#writersChanged.notify();
    this.#finishConnection(connection, 'writer', outcome.result, outcome.reason);
    if (this.#cut.signal.aborted) connection.destroy();
    else await connection.end();
  }

  async #serveReader(connection: ByteConnection, fromOffset: number): Promise<void> {
    const { events } = this.#deps;
    events.connectionMoved('initial', 'reader');
    const outcome = await sendToReader(
      connection,
      (signal) => this.stream.read(fromOffset, signal),
      this.#cut.signal,
      (bytes) => events.bytesSent(bytes),
    );
    // At shutdown readers are closed at once (flushed, never reset); otherwise they linger.
    await connection.end({ linger: !this.#cut.signal.aborted });
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
    const headerLength = this.#merge.headerLength ?? 0;
    const canonical = this.#replayLog.canonical;
    const ticks = this.#ticks.finish();
    this.#saveReport = await this.#deps.saver.save(
      {
        facts: {
          gameId: this.gameId,
          startedAtMs: this.#startedAtMs,
          endedAtMs: this.#deps.clock.now(),
          firstWriterName: this.#firstWriterName ?? '',
        },
        scfaHeader: this.stream.header,
        // Streamed from the log on every attempt (a save may be retried): never one whole-replay buffer.
        body: () => canonical.read(headerLength),
        bodyLength: canonical.length - headerLength,
        ticks: ticks.status === 'ok' ? ticks.ticks : null,
        stored: () => {
          this.#stored = true;
          // Readers still draining read from the log: it goes once the replay was let go.
          if (this.#released) void this.#removeLog();
        },
      },
      this.#cut.signal,
      this.#log,
    );
  }

  async #removeLog(): Promise<void> {
    try {
      await this.#replayLog.remove();
    } catch (error) {
      this.#log.warn({ err: error }, `Could not remove the live log of replay ${this.gameId}`);
    }
  }
}
