import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BenchGame } from './bench-game.ts';
import type { GameDriving } from './bench-game.ts';
import { summarizeGames } from './generator-summary.ts';
import type { GeneratorSummary } from './generator-summary.ts';
import type { GameStream } from './replay-source.ts';

export interface GeneratorOptions {
  readonly port: number;
  readonly writersPerGame: number;
  readonly readersPerGame: number;
  /** Game time per wall time; `Infinity` floods (as fast as the sockets take it). */
  readonly speedUp: number;
  /** How long after its writers a game's readers connect (the replay must exist first). */
  readonly readerDelayMs: number;
  /** The server's replay delay: reader lag is measured beyond it. */
  readonly serverDelayMs: number;
  readonly chunkBytes?: number;
}

export interface GameSpec {
  readonly gameId: number;
  readonly stream: GameStream;
  /** Ticks its writers send, and then hold, still connected (default: the generator's `limitTicks`). */
  readonly tickLimit?: number;
}

/** Each game sends once per tick period, games spread over this many slots of the period. */
const PACING_SLOTS = 10;
const PERIOD_MS = 100;
const SLOT_MS = PERIOD_MS / PACING_SLOTS;
const FLOOD_CHUNK_BYTES = 64 * 1024;
const PACED_CHUNK_BYTES = 1024 * 1024;

/**
 * Drives G games × W writers × R readers over real sockets. One timer serves every game: each
 * game is paced in one of ten 10 ms slots of every 100 ms (a game sends each tick's bytes once per
 * tick, and games are not in step with each other, as in reality). Floods are driven by 'drain'.
 */
export class LoadGenerator {
  readonly #options: GeneratorOptions;
  readonly #driving: GameDriving;
  readonly #pending: { readonly atMs: number; readonly game: BenchGame }[] = [];
  readonly #slots: BenchGame[][] = Array.from({ length: PACING_SLOTS }, () => []);
  readonly #games: BenchGame[] = [];
  readonly #readerLagsMs: number[] = [];
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 10 });
  #nextSlot = 0;
  #nextSlotAtMs = performance.now();
  #openGames = 0;
  #sentBytes = 0;
  #tickFraction = 1;
  #timer: NodeJS.Timeout | undefined;
  #onIdle: (() => void) | undefined;

  constructor(options: GeneratorOptions) {
    this.#options = options;
    const flood = options.speedUp === Number.POSITIVE_INFINITY;
    this.#driving = {
      ...options,
      chunkBytes: options.chunkBytes ?? (flood ? FLOOD_CHUNK_BYTES : PACED_CHUNK_BYTES),
      onBytesSent: (bytes) => (this.#sentBytes += bytes),
      onReaderArrival: (game, position) => this.#readerArrival(game, position),
      onClosed: () => this.#gameClosed(),
    };
    this.#loopDelay.enable();
  }

  get sentBytes(): number {
    return this.#sentBytes;
  }

  get openGames(): number {
    return this.#openGames;
  }

  get games(): readonly BenchGame[] {
    return this.#games;
  }

  /** Schedules games, their starts spread evenly over `rampUpMs` from now. */
  addGames(specs: readonly GameSpec[], rampUpMs: number): void {
    const now = performance.now();
    specs.forEach((spec, i) => {
      const game = new BenchGame(spec.gameId, spec.stream, this.#driving);
      game.tickLimit = spec.tickLimit ?? Math.ceil(this.#tickFraction * spec.stream.tickEnds.length);
      this.#games.push(game);
      this.#openGames++;
      this.#pending.push({ atMs: now + (rampUpMs * i) / specs.length, game });
    });
    if (this.#timer === undefined) {
      this.#nextSlotAtMs = now;
      this.#timer = setInterval(() => this.#onTimer(), SLOT_MS);
    }
  }

  /**
   * Holds every game at `fraction` of its ticks (memory checkpoints; it overrides the specs' own
   * limits); floods send up to it at once.
   */
  limitTicks(fraction: number): void {
    this.#tickFraction = fraction;
    for (const game of this.#games) {
      game.tickLimit = Math.ceil(fraction * game.stream.tickEnds.length);
      if (!Number.isNaN(game.startedAtMs)) game.pace(performance.now());
    }
  }

  /** Resolves true once every game has closed all its connections, false after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.#openGames === 0) return true;
    const idle = new Promise<true>((resolve) => (this.#onIdle = () => resolve(true)));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const result = await Promise.race([idle, expired]);
    clearTimeout(timer);
    return result;
  }

  /** Cuts every connection (the end of a scenario that does not wait for games to finish). */
  abort(): void {
    for (const game of this.#games) game.destroy();
    this.#stopTimer();
  }

  summary(): GeneratorSummary {
    return summarizeGames(this.#games, this.#readerLagsMs, this.#loopDelay, this.#sentBytes);
  }

  /** Releases memory held for the summary (reader lags) and resets the loop-delay histogram. */
  resetMeasurements(): void {
    this.#readerLagsMs.length = 0;
    this.#loopDelay.reset();
  }

  #onTimer(): void {
    const now = performance.now();
    while (this.#pending.length > 0 && (this.#pending[0]?.atMs ?? Infinity) <= now) {
      const next = this.#pending.shift();
      if (next !== undefined) this.#start(next.game, now);
    }
    // A late timer serves the slots it missed, but each at most once.
    for (let served = 0; this.#nextSlotAtMs <= now && served < PACING_SLOTS; served++) {
      this.#serveSlot(this.#nextSlot, now);
      this.#nextSlot = (this.#nextSlot + 1) % PACING_SLOTS;
      this.#nextSlotAtMs += SLOT_MS;
    }
    this.#nextSlotAtMs = Math.max(this.#nextSlotAtMs, now - SLOT_MS);
    if (this.#pending.length === 0 && this.#openGames === 0) this.#stopTimer();
  }

  #start(game: BenchGame, now: number): void {
    game.startWriters(now);
    game.pace(now);
    const slot = this.#slots[game.gameId % PACING_SLOTS];
    slot?.push(game);
  }

  #serveSlot(index: number, now: number): void {
    const slot = this.#slots[index] ?? [];
    let kept = 0;
    for (const game of slot) {
      if (!game.readersStarted && now >= game.startedAtMs + this.#options.readerDelayMs) game.startReaders();
      if (this.#options.speedUp !== Number.POSITIVE_INFINITY) game.pace(now);
      if (game.open) slot[kept++] = game;
    }
    slot.length = kept;
  }

  #readerArrival(game: BenchGame, position: number): void {
    if (this.#options.speedUp === Number.POSITIVE_INFINITY || position <= game.stream.headerBytes) return;
    const now = performance.now();
    const visibleAtMs = Math.min(
      game.dueAtMs(position) + this.#options.serverDelayMs,
      game.writersEndedAtMs ?? Infinity,
    );
    this.#readerLagsMs.push(now - visibleAtMs);
  }

  #gameClosed(): void {
    this.#openGames--;
    if (this.#openGames === 0) this.#onIdle?.();
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Writers at the real data rate; readers `readerDelayMs` after them, their lag measured beyond
 * the server's delay.
 */
export function realRateGenerator(
  port: number,
  plan: { readonly writersPerGame: number; readonly readersPerGame: number; readonly delayS: number },
  readerDelayMs = 1000,
): LoadGenerator {
  return new LoadGenerator({
    port,
    writersPerGame: plan.writersPerGame,
    readersPerGame: plan.readersPerGame,
    speedUp: 1,
    readerDelayMs,
    serverDelayMs: plan.delayS * 1000,
  });
}
