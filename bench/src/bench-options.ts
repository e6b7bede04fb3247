export const SCENARIOS = [
  'throughput',
  'peak',
  'connections',
  'memory',
  'recovery',
  'ended',
  'http',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
/** Scenarios whose server can be profiled. */
export type ProfiledScenario = 'throughput' | 'peak';

export interface BenchOptions {
  readonly mode: 'short' | 'full';
  readonly scenarios: ReadonlySet<ScenarioName>;
  /**
   * `throughput`: one more throughput run with the server under `node --cpu-prof`; `peak`: the
   * peak scenario itself runs profiled (its figures are then slowed by the profiler).
   */
  readonly profile: ReadonlySet<ProfiledScenario>;
  /** Keep each process's temporary vault and log instead of deleting them. */
  readonly keepData: boolean;
  /** Write no report (a trial run). */
  readonly dryRun: boolean;
}

export const usage = `Usage: pnpm bench [--full] [--profile] [--only=throughput,peak,connections,memory,recovery,ended,http] [--keep-data] [--no-report]

  --full        the long run (scenario 1 held for 5 minutes; about 12 minutes in all)
  --profile     one more throughput run with the server under node --cpu-prof
  --profile=peak,throughput   also (or only) run the peak scenario's server profiled
  --only=…      run only these scenarios
  --keep-data   keep each process's vault and log (the path is printed)
  --no-report   do not write bench/results/ (a trial run)`;

export class BenchUsageError extends Error {
  readonly code = 'BENCH_USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

/** Parses the runner's flags; throws a `BenchUsageError` naming the flag it does not know. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let mode: BenchOptions['mode'] = 'short';
  let scenarios = new Set<ScenarioName>(SCENARIOS);
  let profile = new Set<ProfiledScenario>();
  let keepData = false;
  let dryRun = false;
  for (const arg of argv) {
    if (arg === '--') continue;
    else if (arg === '--full') mode = 'full';
    else if (arg === '--profile') profile = new Set(['throughput']);
    else if (arg.startsWith('--profile=')) profile = parseProfiled(arg.slice('--profile='.length));
    else if (arg === '--keep-data') keepData = true;
    else if (arg === '--no-report') dryRun = true;
    else if (arg.startsWith('--only=')) scenarios = parseScenarios(arg.slice('--only='.length));
    else throw new BenchUsageError(`unknown option ${arg}`);
  }
  return Object.freeze({ mode, scenarios, profile, keepData, dryRun });
}

function parseScenarios(list: string): Set<ScenarioName> {
  const names = list.split(',').filter((name) => name !== '');
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new BenchUsageError(`unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
    }
  }
  return new Set(names as ScenarioName[]);
}

function parseProfiled(list: string): Set<ProfiledScenario> {
  const names = list.split(',').filter((name) => name !== '');
  for (const name of names) {
    if (name !== 'throughput' && name !== 'peak') {
      throw new BenchUsageError(`cannot profile "${name}" (only throughput, peak)`);
    }
  }
  return new Set(names as ProfiledScenario[]);
}
