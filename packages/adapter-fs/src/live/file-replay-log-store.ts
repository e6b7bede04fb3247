/*
 * The live games' logs as files: `<livePath>/<gameId>/replay-log.bin`, one append-only file per
 * live game, holding its journal (the writers' data as a prefix tree) and its committed canonical
 * stream, interleaved in the order they were made.
 *
 * Format (version 1; integers are unsigned LEB128 varints unless said otherwise):
 *   file    := magic frame*                    magic = "FAFLIVE" 0x01
 *   frame   := u32le length, u32le crc32(payload), payload      (length > 0)
 *   payload := record+
 *   record  := 1 writer    writer, Δt, nameLength, name (UTF-8)
 *            | 2 header    writer, Δt, length, bytes
 *            | 3 fork      branch, parent + 1 (0: none), at
 *            | 4 extend    branch, runs, (Δt, length) × runs, bytes (all runs' bytes)
 *            | 5 position  writer, branch, length
 *            | 6 left      writer, Δt
 *            | 7 decided   branch, bodyLength
 *            | 8 segment   length, bytes    (the next canonical segment; numbers and offsets count up)
 *   Δt: zigzag varint, the time (ms) minus the previous time in the same frame (the first: minus 0).
 *
 * A frame is one batch: what a game journaled and committed between two writes (one store-wide
 * tick every `fsyncIntervalMs`, which writes every game's batch and fsyncs it, a few games at a
 * time; or `sync()`; or a batch over 1 MiB). Its checksum makes it all-or-nothing, so after a crash the file holds the
 * state at the end of some batch: a prefix of the operations. Within a batch, extends of a branch
 * are merged and only the last position of each writer and the last `decided` are kept (see
 * `JournalBatch`): that is what keeps the disk bytes per ingested byte low.
 *
 * Recovery reads each file a frame at a time, stops at the first invalid frame and truncates the
 * file there: a torn last frame (a write cut by the crash) silently, a corrupt one in the middle
 * reported through `onFault`. Readers behind memory find a segment through an in-memory index
 * (segment number → stream offset and file position: 16 bytes a segment).
 *
 * Ownership: several processes may share the live path (a rolling update: the old one drains its
 * games while the new one takes new games), so each store is an owner, with an id random per
 * process start (host and pid in it for people), and recovery takes only the games of owners
 * that stopped:
 *   <livePath>/.owners/<ownerId>       the owner's heartbeat, rewritten every `heartbeatIntervalMs`
 *                                      from the store's first use until `close()`, which removes it;
 *                                      its content (host, pid, start) is for people
 *   <livePath>/<gameId>/owner.<n>      a symbolic link to the id of the owner that claimed the game
 *                                      at generation n; the highest n owns it. `open` claims n = 0
 *                                      before it creates the file; adopting a game claims n + 1
 * A claim creates its link, which fails if the name exists: of the processes racing for a game,
 * one wins. Links are never removed (only with the directory), so a generation is never claimed
 * twice. A game is an orphan when its owner's heartbeat is missing or older than `ownerStaleMs`,
 * measured in the file system's clock (the modification time of this store's heartbeat, written
 * at the start of each pass): where the file server stamps modification times (NFS, one local
 * disk), hosts need not agree on the time; where clients stamp them, their clocks must agree well
 * within the bound. The file system must support symbolic links (an SMB share needs
 * `mfsymlinks`); without them every game stays in memory, reported. A directory without links is
 * of the previous format, an orphan at once; or, without a file, left by a crash before the first
 * claim (or a peer's game a moment old), an orphan once older than `ownerStaleMs`. A stale owner's
 * heartbeat is removed once no directory names it. `remove` deletes a game's directory only
 * while its store owns it; a game opened while another process owns its directory goes on in
 * memory (the `conflict` cause of a `dropped` fault).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { GameId, RecoveredLog, ReplayLogStore } from '@faf-replay/core';
import { MAX_GAME_ID } from '@faf-replay/core';
import { ConcurrencyLimit } from '../concurrency-limit.js';
import { isErrnoError } from '../durable-file.js';
import { checkedTimeout, DEFAULT_IO_TIMEOUT_MS, withIoTimeout } from '../io-watchdog.js';
import { FileReplayLog } from './file-replay-log.js';
import type { FileReplayLogDeps } from './file-replay-log.js';
import { gameDirectoryOwner } from './game-owner.js';
import type { GameDirectoryOwner } from './game-owner.js';
import { LiveLogError } from './live-log-error.js';
import { LiveLogFile } from './live-log-file.js';
import { MAX_FRAME_PAYLOAD_BYTES } from './log-frame.js';
import { OrphanScan } from './orphan-scan.js';
import { newOwnerId, OwnerHeartbeat } from './owner-heartbeat.js';
import { journalEntries, readRecent, scanLogFile } from './read-log-file.js';

/**
 * Of the adoption passes (one per `storage.adopt_interval_s`), every this many reads the
 * directories of the games this store has open too: the first one, and about once a minute.
 */
export const OWN_GAMES_READ_EVERY = 12;

export const DEFAULT_FSYNC_INTERVAL_MS = 1_000;
export const DEFAULT_MAX_UNFLUSHED_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_CONCURRENT_WRITES = 2;
export const DEFAULT_OWNER_STALE_MS = 15_000;
/** Heartbeats per staleness bound by default: a few may be late or fail before a peer adopts the games. */
const BEATS_PER_STALE = 5;
const EARLY_WRITE_BYTES = 1024 * 1024;

export interface FileReplayLogStoreOptions {
  /** Where the live games' directories are (`storage.live_path`). */
  readonly livePath: string;
  /** How often every game's batch is written and fsync'ed (`storage.fsync_interval_s`). Default 1 s. */
  readonly fsyncIntervalMs?: number;
  /** How long a storage call may go without progress (`storage.io_timeout_s`). Default 60 s. */
  readonly ioTimeoutMs?: number;
  /** The most bytes a game may hold unwritten (a full disk) before its journal is given up. Default 64 MiB. */
  readonly maxUnflushedBytes?: number;
  /**
   * How many games write (and fsync) at once. The thread pool (4 threads unless
   * UV_THREADPOOL_SIZE says otherwise) also serves saves and readers: hundreds of games fsyncing
   * at each tick must not take all of it. Default 2.
   */
  readonly maxConcurrentWrites?: number;
  /**
   * A game's log failed: it goes on in memory. Called at most once per game and kind of fault
   * (`LiveLogError.fault`: `io` for a write that is retried, `dropped` when the log is given up,
   * `corrupt` for a recovery that stopped early). For logging and metrics; must not throw.
   */
  readonly onFault?: (gameId: GameId, error: LiveLogError) => void;
  /**
   * How old a peer's heartbeat may be before its games are orphans that `recover` adopts
   * (`storage.live_owner_stale_s`). Longer than any stall of a live process (a pause of the
   * process or of the volume): a live game adopted by a peer is saved twice, the partial copy
   * possibly first. Default 15 s.
   */
  readonly ownerStaleMs?: number;
  /** How often this store rewrites its heartbeat. Default a fifth of `ownerStaleMs`; at most half of it. */
  readonly heartbeatIntervalMs?: number;
  /**
   * The heartbeat could not be written (the first failure of a run): if that goes on past the
   * staleness bound, peers adopt this process's games. For logging and metrics; must not throw.
   */
  readonly onHeartbeatFault?: (error: LiveLogError) => void;
}

/** Live games' logs in files under `livePath`, kept across a crash or a restart until removed. */
export class FileReplayLogStore implements ReplayLogStore {
  readonly #livePath: string;
  readonly #fsyncIntervalMs: number;
  readonly #ioTimeoutMs: number;
  readonly #maxUnflushedBytes: number;
  readonly #onFault: (gameId: GameId, error: LiveLogError) => void;
  readonly #writeSlots: ConcurrencyLimit;
  readonly #ownerStaleMs: number;
  readonly #heartbeat: OwnerHeartbeat;
  readonly #directoryOwner: GameDirectoryOwner;
  readonly #logs = new Set<FileReplayLog>();
  #timer: NodeJS.Timeout | undefined;
  /** Adoption passes so far: see `OWN_GAMES_READ_EVERY`. */
  #passes = 0;

  constructor(options: FileReplayLogStoreOptions) {
    this.#livePath = options.livePath;
    this.#fsyncIntervalMs = positive(options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS, 'fsyncIntervalMs');
    this.#ioTimeoutMs = checkedTimeout(options.ioTimeoutMs ?? DEFAULT_IO_TIMEOUT_MS);
    this.#maxUnflushedBytes = positive(
      options.maxUnflushedBytes ?? DEFAULT_MAX_UNFLUSHED_BYTES,
      'maxUnflushedBytes',
    );
    // A batch becomes one frame: it must stay well within what recovery agrees to read.
    if (this.#maxUnflushedBytes > MAX_FRAME_PAYLOAD_BYTES / 2) {
      throw new RangeError(`maxUnflushedBytes must be at most ${MAX_FRAME_PAYLOAD_BYTES / 2}`);
    }
    this.#onFault = options.onFault ?? (() => undefined);
    this.#writeSlots = new ConcurrencyLimit(options.maxConcurrentWrites ?? DEFAULT_MAX_CONCURRENT_WRITES);
    this.#ownerStaleMs = positive(options.ownerStaleMs ?? DEFAULT_OWNER_STALE_MS, 'ownerStaleMs');
    const heartbeatIntervalMs = positive(
      options.heartbeatIntervalMs ?? this.#ownerStaleMs / BEATS_PER_STALE,
      'heartbeatIntervalMs',
    );
    if (heartbeatIntervalMs * 2 > this.#ownerStaleMs)
      throw new RangeError('heartbeatIntervalMs must be at most half of ownerStaleMs');
    this.#heartbeat = new OwnerHeartbeat({
      livePath: this.#livePath,
      ownerId: newOwnerId(),
      intervalMs: heartbeatIntervalMs,
      ioTimeoutMs: this.#ioTimeoutMs,
      onFault: options.onHeartbeatFault ?? (() => undefined),
    });
    this.#directoryOwner = gameDirectoryOwner(this.ownerId, () => this.#heartbeat.ready());
  }

  /** This store's owner id: its heartbeat is `<livePath>/.owners/<ownerId>`. */
  get ownerId(): string {
    return this.#heartbeat.ownerId;
  }

  /** How many logs are open (neither removed, closed nor given up). */
  get openLogs(): number {
    return this.#logs.size;
  }

  open(gameId: GameId, options: { readonly hotBytes: number }): FileReplayLog {
    const file = LiveLogFile.create(this.#dirOf(gameId), this.#ioTimeoutMs, this.#directoryOwner);
    return this.#track(new FileReplayLog(gameId, this.#deps(file, options.hotBytes)));
  }

  /**
   * The games no live process owns, each claimed for this store before it is read. Call it again
   * and again to adopt the games of peers that stop: each pass yields only new orphans.
   */
  async *recover(options: { readonly hotBytes: number }): AsyncIterable<RecoveredLog> {
    // The games this store has open are its own: most passes do not read their directories (two
    // system calls each, 1,000 every pass at FAF's peak), only every OWN_GAMES_READ_EVERY-th.
    // The heartbeat clean-up misses nothing by it: it never removes this store's own, and for a
    // game another process took over (a stall, or a directory it owned when this store opened
    // the game), a dead owner's directory is an orphan with or without its heartbeat.
    const full = this.#passes++ % OWN_GAMES_READ_EVERY === 0;
    const skipped = new Set(full ? [] : [...this.#logs].map((log) => log.gameId));
    const scan = new OrphanScan({
      livePath: this.#livePath,
      ownerId: this.ownerId,
      nowMs: await this.#heartbeat.beat(),
      staleMs: this.#ownerStaleMs,
      ioTimeoutMs: this.#ioTimeoutMs,
    });
    for (const gameId of await this.#gameDirectories()) {
      if (skipped.has(gameId)) continue;
      let recovered: RecoveredLog | undefined;
      try {
        if (await scan.claimIfOrphan(this.#dirOf(gameId)))
          recovered = await this.#recoverGame(gameId, options.hotBytes);
      } catch (error) {
        this.#report(gameId, error);
      }
      if (recovered !== undefined) yield recovered;
    }
    // Best effort: a heartbeat left behind costs a few bytes, and the next pass tries again.
    await scan.cleanUp().catch(() => undefined);
  }

  /** Rewrites this store's heartbeat now (what its timer does); resolves with the file system's time. */
  heartbeat(): Promise<number> {
    return this.#heartbeat.beat();
  }

  /** Writes and fsyncs every open log now (what the tick does); resolves when all are done, failed or not. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#logs].map((log) => log.flush()));
  }

  /**
   * Closes every open log (flushed, kept for recovery), stops the tick, and removes the heartbeat:
   * the games left are orphans at once, for a peer (or the next process) to adopt.
   */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#logs].map((log) => log.close()));
    this.#stopTimer();
    await this.#heartbeat.stop().catch(() => undefined);
  }

  #deps(file: LiveLogFile, hotBytes: number): FileReplayLogDeps {
    return {
      file,
      hotBytes,
      maxUnflushedBytes: this.#maxUnflushedBytes,
      earlyWriteBytes: EARLY_WRITE_BYTES,
      writeSlots: this.#writeSlots,
      onFault: (gameId, error) => {
        this.#report(gameId, error);
      },
      forget: (log) => {
        this.#logs.delete(log);
        if (this.#logs.size === 0) this.#stopTimer();
      },
    };
  }

  async #recoverGame(gameId: GameId, hotBytes: number): Promise<RecoveredLog> {
    const { file, size } = await LiveLogFile.openExisting(
      this.#dirOf(gameId),
      this.#ioTimeoutMs,
      this.#directoryOwner,
    );
    try {
      const scanned = await scanLogFile(file, size);
      if (scanned.corrupt !== undefined) this.#report(gameId, scanned.corrupt);
      if (scanned.validEnd < size) await file.truncate(scanned.validEnd);
      const canonical = {
        index: scanned.index,
        length: scanned.length,
        recent: await readRecent(file, scanned, hotBytes),
      };
      const log = new FileReplayLog(gameId, this.#deps(file, hotBytes), {
        canonical,
        fileEnd: scanned.validEnd,
      });
      return { log: this.#track(log), entries: journalEntries(file, scanned.validEnd) };
    } catch (error) {
      file.close();
      throw error;
    }
  }

  /** The game ids of the directories under the live path (other names are not ours, and left alone). */
  async #gameDirectories(): Promise<GameId[]> {
    let entries;
    try {
      entries = await withIoTimeout(this.#ioTimeoutMs, `listing ${this.#livePath}`, () =>
        readdir(this.#livePath, { withFileTypes: true }),
      );
    } catch (error) {
      if (isErrnoError(error, 'ENOENT')) return [];
      throw new LiveLogError('io', `cannot list the live games in ${this.#livePath}`, { cause: error });
    }
    return entries
      .filter((entry) => entry.isDirectory() && /^(0|[1-9][0-9]{0,19})$/.test(entry.name))
      .map((entry) => BigInt(entry.name))
      .filter((gameId) => gameId <= MAX_GAME_ID)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  #track(log: FileReplayLog): FileReplayLog {
    this.#logs.add(log);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => {
        for (const open of this.#logs) open.tick();
      }, this.#fsyncIntervalMs);
      // A background flusher: it never keeps the process alive on its own.
      this.#timer.unref();
    }
    return log;
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #report(gameId: GameId, error: unknown): void {
    const fault =
      error instanceof LiveLogError
        ? error
        : new LiveLogError('io', `cannot recover the live log of game ${gameId}`, { cause: error });
    try {
      this.#onFault(gameId, fault);
    } catch {
      // A failing fault handler must not stop the other games.
    }
  }

  #dirOf(gameId: GameId): string {
    return join(this.#livePath, String(gameId));
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
