import type { GameId, JournalEntry, ReplayLog } from '@faf-replay/core';
import type { ConcurrencyLimit } from '../concurrency-limit.js';
import type { StoredCanonical } from './file-canonical-log.js';
import { FileCanonicalLog } from './file-canonical-log.js';
import type { CommittedSegment } from './journal-batch.js';
import { JournalBatch } from './journal-batch.js';
import type { LiveLogFault } from './live-log-error.js';
import { LiveLogError } from './live-log-error.js';
import type { LiveLogFile } from './live-log-file.js';
import type { EncodedFrame } from './log-frame.js';
import { FILE_MAGIC, magicFrame } from './log-frame.js';

export interface FileReplayLogDeps {
  readonly file: LiveLogFile;
  readonly hotBytes: number;
  /** The most journal and canonical bytes held unwritten before the journal is given up. */
  readonly maxUnflushedBytes: number;
  /** A batch this large is written at once rather than at the next tick. */
  readonly earlyWriteBytes: number;
  /** Shared by the store's logs: how many write steps (writes and fsync) run at once. */
  readonly writeSlots: ConcurrencyLimit;
  readonly onFault: (gameId: GameId, error: LiveLogError) => void;
  /** The log is removed or closed: the store stops ticking it. */
  readonly forget: (log: FileReplayLog) => void;
}

/** What recovery found in the file: the canonical stream, and where the valid frames end. */
export interface RecoveredFile {
  readonly canonical: StoredCanonical;
  readonly fileEnd: number;
}

type LogState =
  /** Writing normally. */
  | 'open'
  /** The last write failed for lack of space: retried at each tick while the unwritten data fits its bound. */
  | 'failing'
  /** Given up: the game goes on in memory, nothing more is written. */
  | 'dropped'
  | 'removed'
  | 'closed';

/** The most recent write failures that may heal (space freed): they are retried. */
const RETRYABLE_CODES = new Set(['ENOSPC', 'EDQUOT']);

/**
 * One live game's log in its file. `journal` and the canonical appends only fill the batch; the
 * store's tick (or `sync`, or a batch over `earlyWriteBytes`) turns it into a frame and writes it,
 * one write at a time per game, frames in file order. A frame that failed is written again at
 * the same position, so the file never holds a gap or a duplicate.
 */
export class FileReplayLog implements ReplayLog {
  readonly gameId: GameId;
  readonly canonical: FileCanonicalLog;
  readonly #deps: FileReplayLogDeps;
  #batch = new JournalBatch();
  #pending: EncodedFrame[] = [];
  #pendingBytes = 0;
  /** The frame whose write runs now: its leases end only once that write is over. */
  #inFlight: EncodedFrame | undefined;
  #nextFramePosition: number;
  #unsynced = false;
  #state: LogState = 'open';
  #dropped: LiveLogError | undefined;
  readonly #reported = new Set<LiveLogFault>();
  #running: Promise<void> = Promise.resolve();
  #queued: { fsync: boolean; readonly promise: Promise<void> } | undefined;
  #removing: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(gameId: GameId, deps: FileReplayLogDeps, recovered?: RecoveredFile) {
    this.gameId = gameId;
    this.#deps = deps;
    this.canonical = new FileCanonicalLog(
      deps.hotBytes,
      deps.file,
      (segment) => this.#committed(segment),
      recovered?.canonical,
    );
    const fileEnd = recovered?.fileEnd ?? 0;
    if (fileEnd >= FILE_MAGIC.length) {
      this.#nextFramePosition = fileEnd;
    } else {
      this.#pending.push(magicFrame());
      this.#nextFramePosition = FILE_MAGIC.length;
    }
  }

  journal(entry: JournalEntry): void {
    if (!this.#accepting()) return;
    this.#batch.journal(entry);
    this.#enqueued();
  }

  sync(): Promise<void> {
    if (this.#dropped !== undefined) return Promise.reject(this.#dropped);
    if (!this.#accepting()) return Promise.reject(this.#closedError());
    return this.#enqueue(true);
  }

  remove(): Promise<void> {
    this.#removing ??= this.#removeNow();
    return this.#removing;
  }

  close(): Promise<void> {
    this.#closing ??= this.#removing === undefined ? this.#closeNow() : Promise.resolve();
    return this.#closing;
  }

  /** The store's tick: writes and syncs whatever waits. */
  tick(): void {
    if (this.#hasWork()) this.#enqueue(true).catch(() => undefined);
  }

  /** What `tick` does, awaited (rejects on a fault). */
  flush(): Promise<void> {
    if (this.#dropped !== undefined) return Promise.reject(this.#dropped);
    return this.#hasWork() ? this.#enqueue(true) : this.#running.catch(() => undefined);
  }

  #accepting(): boolean {
    return this.#state === 'open' || this.#state === 'failing';
  }

  #hasWork(): boolean {
    return this.#accepting() && (!this.#batch.empty || this.#pending.length > 0 || this.#unsynced);
  }

  #committed(segment: CommittedSegment): void {
    if (!this.#accepting()) return;
    this.#batch.segment(segment);
    this.#enqueued();
  }

  #enqueued(): void {
    const unwritten = this.#batch.bytes + this.#pendingBytes;
    if (unwritten > this.#deps.maxUnflushedBytes) {
      this.#drop(new LiveLogError('io', `${unwritten} bytes of the log could not be written yet`));
    } else if (this.#state === 'open' && this.#batch.bytes >= this.#deps.earlyWriteBytes) {
      this.#enqueue(false).catch(() => undefined);
    }
  }

  /**
   * One write step after those already running. A step that is queued but not started (waiting
   * for the previous step or for a write slot) takes the batch as it is when it starts, so a
   * later request can join it.
   */
  #enqueue(fsync: boolean): Promise<void> {
    const queued = this.#queued;
    if (queued !== undefined) {
      queued.fsync ||= fsync;
      return queued.promise;
    }
    const step = { fsync, promise: Promise.resolve() };
    step.promise = this.#running.catch(() => undefined).then(() => this.#step(step.fsync));
    this.#queued = step;
    this.#running = step.promise;
    return step.promise;
  }

  /** Waits for a write slot (the thread pool is shared with saves and readers), then writes. */
  #step(fsync: boolean): Promise<void> {
    return this.#deps.writeSlots.run(() => this.#stepNow(fsync));
  }

  async #stepNow(fsync: boolean): Promise<void> {
    this.#queued = undefined;
    if (this.#dropped !== undefined) throw this.#dropped;
    if (!this.#accepting()) return;
    if (!this.#batch.empty) this.#encodeBatch();
    await this.#writePending();
    if (!this.#accepting()) return;
    if (this.#state === 'failing') this.#state = 'open';
    if (!fsync || !this.#unsynced) return;
    try {
      await this.#deps.file.sync();
    } catch (error) {
      // After a failed fsync the kernel may have dropped the dirty pages: no retry can be trusted.
      throw this.#drop(this.#ioError('sync', error));
    }
    this.#unsynced = false;
  }

  #encodeBatch(): void {
    let frame: EncodedFrame;
    try {
      frame = this.#batch.encode(this.#nextFramePosition, (segment, position) => {
        this.canonical.placeSegment(segment, position);
      });
    } catch (error) {
      // An entry that cannot be encoded (a number out of range) is a bug: it must not stop the game.
      throw this.#drop(
        new LiveLogError('usage', `cannot encode the journal: ${String(error)}`, { cause: error }),
      );
    }
    this.#batch = new JournalBatch();
    this.#nextFramePosition += frame.bytes;
    this.#pending.push(frame);
    this.#pendingBytes += frame.bytes;
  }

  /** Writes the waiting frames in order; stops at the first failure, which is kept to be retried. */
  async #writePending(): Promise<void> {
    for (let frame = this.#pending[0]; frame !== undefined && this.#accepting(); frame = this.#pending[0]) {
      this.#inFlight = frame;
      try {
        await this.#deps.file.write(frame.parts, frame.position);
      } catch (error) {
        throw this.#writeFailed(error);
      } finally {
        this.#inFlight = undefined;
        // Given up meanwhile (`#stop` left it to this write): its leases end now.
        if (this.#pending[0] !== frame) frame.done?.();
      }
      this.#written(frame);
    }
  }

  #written(frame: EncodedFrame): void {
    // Removed or closed meanwhile: the queue was emptied, the frame is written all the same.
    if (this.#pending[0] !== frame) return;
    this.#pending.shift();
    frame.done?.();
    this.#pendingBytes -= frame.bytes;
    this.#unsynced = true;
    if (frame.canonicalEnd !== undefined) this.canonical.written(frame.canonicalEnd);
  }

  #writeFailed(error: unknown): LiveLogError {
    const fault = this.#ioError('write', error);
    if (!RETRYABLE_CODES.has(errnoCode(error) ?? '')) return this.#drop(fault);
    if (this.#accepting()) this.#state = 'failing';
    this.#report(fault);
    return fault;
  }

  #ioError(what: 'write' | 'sync', error: unknown): LiveLogError {
    const reason = error instanceof Error ? error.message : String(error);
    return new LiveLogError('io', `cannot ${what} ${this.#deps.file.path}: ${reason}`, { cause: error });
  }

  /** Gives up the journal: memory stays bounded, and the canonical keeps in memory what the file lacks. */
  #drop(cause: LiveLogError): LiveLogError {
    if (this.#dropped !== undefined) return this.#dropped;
    const dropped = new LiveLogError(
      'dropped',
      `the live log of game ${this.gameId} is given up: the game goes on in memory, and would be lost in a crash`,
      { cause },
    );
    this.#dropped = dropped;
    this.#stop('dropped');
    this.#report(dropped);
    return dropped;
  }

  #stop(state: 'dropped' | 'removed' | 'closed'): void {
    if (this.#state === 'open' || this.#state === 'failing') this.#deps.forget(this);
    this.#state = state;
    this.#batch.release();
    this.#batch = new JournalBatch();
    for (const frame of this.#pending) if (frame !== this.#inFlight) frame.done?.();
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #report(error: LiveLogError): void {
    if (this.#reported.has(error.fault)) return;
    this.#reported.add(error.fault);
    try {
      this.#deps.onFault(this.gameId, error);
    } catch {
      // A failing fault handler must not take the game down with it.
    }
  }

  #closedError(): LiveLogError {
    return new LiveLogError('closed', `the live log of game ${this.gameId} is ${this.#state}`);
  }

  async #removeNow(): Promise<void> {
    this.#stop('removed');
    await this.#running.catch(() => undefined);
    this.#deps.file.close();
    await this.#deps.file.removeDirectory();
  }

  async #closeNow(): Promise<void> {
    let failure: Error | undefined;
    if (this.#accepting()) {
      try {
        await this.#enqueue(true);
      } catch (error) {
        failure = error as Error;
      }
    }
    if (this.#removing !== undefined) return;
    if (this.#state !== 'dropped') this.#stop('closed');
    await this.#running.catch(() => undefined);
    this.#deps.file.close();
    if (failure !== undefined) throw failure;
  }
}

function errnoCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code } = error as NodeJS.ErrnoException;
  return code;
}
