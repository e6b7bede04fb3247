import type { ConnectionsPlan } from './scenario-connections.ts';
import type { HttpPlan } from './scenario-http.ts';
import type { EndedPlan } from './scenario-ended.ts';
import type { MemoryPlan } from './scenario-memory.ts';
import type { PeakPlan } from './scenario-peak.ts';
import type { RecoveryPlan } from './scenario-recovery.ts';
import type { ThroughputPlan } from './scenario-throughput.ts';

export interface BenchPlans {
  readonly throughput: ThroughputPlan;
  readonly peak: PeakPlan;
  readonly connections: ConnectionsPlan;
  readonly memory: MemoryPlan;
  readonly http: HttpPlan;
  readonly recovery: RecoveryPlan;
  readonly ended: EndedPlan;
}

/**
 * What each scenario does in the short run (`pnpm bench`, about 5 minutes with the build and the
 * core micro-benchmarks) and the full one (`pnpm bench --full`).
 */
export function benchPlans(mode: 'short' | 'full'): BenchPlans {
  const full = mode === 'full';
  return {
    throughput: { games: full ? 24 : 10, writersPerGame: 4, readersPerGame: 2, repetitions: full ? 5 : 3 },
    peak: peakPlan(full),
    connections: {
      writersPerGame: 6,
      readersPerGame: 2,
      gameSteps: full ? Array.from({ length: 25 }, (_, i) => (i + 1) * 200) : [200, 400, 600, 1_000],
      stepRampS: full ? 10 : 5,
      stepHoldS: full ? 20 : 5,
      loopP99LimitMs: 50,
      delayS: full ? 60 : 5,
    },
    memory: memoryPlan(full),
    ...durabilityPlans(),
    http: { viewers: 5_000 },
  };
}

function peakPlan(full: boolean): PeakPlan {
  return {
    games: 500,
    writersPerGame: 8,
    readersPerGame: 2,
    rampUpS: full ? 60 : 15,
    holdS: full ? 300 : 15,
    delayS: full ? 60 : 5,
    graceS: full ? 10 : 2,
  };
}

function memoryPlan(full: boolean): MemoryPlan {
  return {
    games: full ? 40 : 24,
    comparisonGames: full ? 20 : 12,
    writersPerGame: 8,
    readersPerGame: 2,
    // The 48-minute game in 29 s (short) or 58 s (full): 190 or 95 KB per second per game.
    speedUp: full ? 50 : 100,
    delayS: 1,
    checkpoints: full ? [0.05, 0.1, 0.25, 0.5, 0.75, 0.99] : [0.1, 0.25, 0.5, 0.75, 0.99],
    // FAF's delay in the long run; sampled once the games' readers have had data for a while.
    realRate: {
      games: full ? 300 : 150,
      writersPerGame: 8,
      readersPerGame: 2,
      delayS: full ? 60 : 5,
      rampUpS: full ? 30 : 5,
      holdS: full ? 120 : 10,
    },
  };
}

/** The same in both runs: each figure is of one fixed situation, and each takes under a minute. */
function durabilityPlans(): Pick<BenchPlans, 'recovery' | 'ended'> {
  return {
    recovery: {
      games: 500,
      writersPerGame: 2,
      readersPerGame: 1,
      fromFraction: 0.25,
      toFraction: 0.5,
      fsyncIntervalS: 1,
      graceS: 1,
      delayS: 1,
      liveOwnerStaleS: 2,
    },
    ended: {
      games: 100,
      writersPerGame: 2,
      readersPerGame: 1,
      gamesAtOnce: 10,
      delayS: 1,
      graceS: 1,
      sampleIntervalS: 1,
      idleSamples: 3,
      samples: 10,
    },
  };
}
