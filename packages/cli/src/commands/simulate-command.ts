import { formatServerAddress } from '@faf-replay/client';
import { exitCodes } from './command-context.js';
import type { CommandContext } from './command-context.js';
import { loadPlayableReplay } from './playable-replay.js';
import type { PlayableReplay } from './playable-replay.js';
import { ProgressLine } from './progress-line.js';
import { parseCommandLine, positionalsOf, runCommand } from './run-command.js';
import { SimulatedGame } from './simulated-game.js';
import type { GameOutcome } from './simulated-game.js';
import { simulationPlanOf } from './simulation-plan.js';
import type { SimulationPlan } from './simulation-plan.js';
import { simulationProgressText, simulationSummary } from './simulation-report.js';

const usage = `Usage: faf-replay simulate [options]

Plays recorded replay streams against a running server, as the games of players would: every
game has N writers that send the stream at the recorded pace (10 ticks per second of game time),
and optional readers that watch it and check they receive exactly what the writers sent. A
progress bar shows on stderr; a summary per game ends on stdout. Readers see data after the
server's replay.delay_s and are closed once the server ends the game (its grace period after the
last writer): start the server with a short delay to see it quickly.

Options:
  --server <address>     the server: host:port over TCP (default 127.0.0.1:15000), or
                         ws://host:port over WebSocket
  --game <id|a-b>        a game id or a range, repeatable (default 1)
  --games <n>            n consecutive game ids from the first --game
  --writers <n>          writers per game (default 2)
  --readers <n>          verifying readers per game (default 1)
  --speed <x|max>        1 = real time, 10 = ten times faster, max = no pacing (default 1)
  --replay <file>        a .scfareplay or .fafreplay to play, repeatable (default the example
                         fixture); several files go to games in turn
  --mix                  writers of one game play the files in turn instead (streams that
                         diverge, like real players'); readers then check the merged result parses
  --quiet                no progress bar
  -h, --help             this help

Exits 1 when a reader's check fails, a writer breaks off, or the server cannot be reached.`;

const options = {
  server: { type: 'string', default: '127.0.0.1:15000' },
  game: { type: 'string', multiple: true },
  games: { type: 'string' },
  writers: { type: 'string', default: '2' },
  readers: { type: 'string', default: '1' },
  speed: { type: 'string', default: '1' },
  replay: { type: 'string', multiple: true },
  mix: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

const PROGRESS_INTERVAL_MS = 200;

/** `faf-replay simulate`. */
export function simulateCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  return runCommand('simulate', usage, argv, context, async () => {
    const { values, positionals } = parseCommandLine(argv, options);
    positionalsOf(positionals, []);
    const plan = simulationPlanOf(values, context.env);
    const paths = [...new Set(plan.replayPaths)];
    const loaded = new Map(
      await Promise.all(paths.map(async (path) => [path, await loadPlayableReplay(path)] as const)),
    );
    const replays = plan.replayPaths.map((path) => loaded.get(path)).filter((r) => r !== undefined);
    const games = plan.gameIds.map(
      (id, k) => new SimulatedGame(id, writerReplays(plan, replays, k), plan.readersPerGame),
    );
    if (values.quiet !== true) context.stderr.write(`${introOf(plan)}\n`);
    const startedMs = performance.now();
    const outcomes = await runGames(games, plan, context, values.quiet === true);
    context.stdout.write(`${simulationSummary(outcomes, performance.now() - startedMs)}\n`);
    return exitCodeOf(outcomes);
  });
}

/** Writer w of game k: the game's file, or with --mix, the files in turn across writers. */
function writerReplays(
  plan: SimulationPlan,
  replays: readonly PlayableReplay[],
  game: number,
): PlayableReplay[] {
  return Array.from({ length: plan.writersPerGame }, (_, writer) => {
    const replay = replays[(plan.mix ? writer : game) % replays.length];
    if (replay === undefined) throw new Error('no replay loaded');
    return replay;
  });
}

async function runGames(
  games: readonly SimulatedGame[],
  plan: SimulationPlan,
  context: CommandContext,
  quiet: boolean,
): Promise<GameOutcome[]> {
  const stop = new AbortController();
  const onInterrupt = (): void => stop.abort();
  context.signal?.addEventListener('abort', onInterrupt, { once: true });
  const progress = quiet ? null : new ProgressLine(context.stderr);
  const timer = setInterval(() => progress?.update(simulationProgressText(games)), PROGRESS_INTERVAL_MS);
  try {
    return await Promise.all(
      games.map((game) => game.run({ address: plan.address, speed: plan.speed, signal: stop.signal })),
    );
  } catch (error) {
    stop.abort();
    throw error;
  } finally {
    clearInterval(timer);
    progress?.update(simulationProgressText(games));
    progress?.done();
    context.signal?.removeEventListener('abort', onInterrupt);
  }
}

function introOf(plan: SimulationPlan): string {
  const games = plan.gameIds.length === 1 ? `game ${plan.gameIds[0]}` : `${plan.gameIds.length} games`;
  const speed =
    plan.speed === Infinity ? 'as fast as possible' : plan.speed === 1 ? 'at real time' : `at ${plan.speed}x`;
  return (
    `simulating ${games} on ${formatServerAddress(plan.address)}: ${plan.writersPerGame} writer(s) and ` +
    `${plan.readersPerGame} reader(s) per game, ${speed} (Ctrl-C stops)`
  );
}

function exitCodeOf(outcomes: readonly GameOutcome[]): number {
  const writers = outcomes.flatMap((outcome) => outcome.writers);
  const readers = outcomes.flatMap((outcome) => outcome.readers);
  if (writers.some((w) => w.kind === 'interrupted') || readers.some((r) => r.verdict === 'interrupted')) {
    return exitCodes.interrupted;
  }
  const failed = writers.some((w) => w.kind === 'failed') || readers.some((r) => r.verdict === 'failed');
  return failed ? exitCodes.failed : exitCodes.ok;
}
