import type { ConnectionsPlan } from './scenario-connections.ts';
import type { HttpPlan } from './scenario-http.ts';
import type { MemoryPlan } from './scenario-memory.ts';
import type { PeakPlan } from './scenario-peak.ts';
import type { ThroughputPlan } from './scenario-throughput.ts';

export interface BenchPlans {
  readonly throughput: ThroughputPlan;
  readonly peak: PeakPlan;
  readonly connections: ConnectionsPlan;
  readonly memory: MemoryPlan;
  readonly http: HttpPlan;
}

/**
 * What each scenario does in the short run (`pnpm bench`, under 3 minutes with the build and the
 * core micro-benchmarks) and the full one (`pnpm bench --full`).
 */
export function benchPlans(mode: 'short' | 'full'): BenchPlans {
  const full = mode === 'full';
  return {
    throughput: { games: full ? 24 : 10, writersPerGame: 4, readersPerGame: 2, repetitions: full ? 5 : 3 },
    peak: {
      games: 500,
      writersPerGame: 8,
      readersPerGame: 2,
      rampUpS: full ? 60 : 15,
      holdS: full ? 300 : 15,
      delayS: full ? 60 : 5,
      graceS: full ? 10 : 2,
    },
    connections: {
      writersPerGame: 6,
      readersPerGame: 2,
      gameSteps: full ? Array.from({ length: 25 }, (_, i) => (i + 1) * 200) : [200, 400, 600, 1_000],
      stepRampS: full ? 10 : 5,
      stepHoldS: full ? 20 : 5,
      loopP99LimitMs: 50,
      delayS: full ? 60 : 5,
    },
    memory: {
      games: full ? 40 : 24,
      writersPerGame: 8,
      readersPerGame: 2,
      // The 48-minute game in 29 s (short) or 58 s (full): 190 or 95 KB per second per game.
      speedUp: full ? 50 : 100,
      delayS: 1,
      checkpoints: full ? [0.05, 0.1, 0.25, 0.5, 0.75, 0.99] : [0.1, 0.25, 0.5, 0.75, 0.99],
    },
    http: { viewers: 5_000 },
  };
}
