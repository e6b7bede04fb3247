import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { HttpFanoutFigures } from '@faf-replay/adapter-http';
import type { BenchContext } from './bench-context.ts';

export interface HttpPlan {
  /** Concurrent HTTP stream viewers of one game. */
  readonly viewers: number;
}

export interface HttpResult {
  readonly plan: HttpPlan;
  readonly figures: HttpFanoutFigures;
}

const RUN_TIMEOUT_MS = 180_000;
const execFileAsync = promisify(execFile);

/**
 * Scenario 6: HTTP fan-out. adapter-http's own fan-out bench, in its own process: one game
 * streamed to `viewers` concurrent HTTP stream viewers (in a child process, so the server's CPU
 * is its own), then segment requests per second over 64 keep-alive connections.
 */
export async function runHttp(context: BenchContext, plan: HttpPlan): Promise<HttpResult> {
  context.log(`http: ${plan.viewers} viewers of one game`);
  const { stdout } = await execFileAsync(
    process.execPath,
    [fanoutBenchPath(), '--viewers', String(plan.viewers), '--json'],
    { timeout: RUN_TIMEOUT_MS, maxBuffer: 1 << 20 },
  );
  return { plan, figures: parseFigures(stdout) };
}

/** The last line of the fan-out bench's `--json` output. */
export function parseFigures(output: string): HttpFanoutFigures {
  const line = output.trim().split('\n').at(-1) ?? '';
  const figures = JSON.parse(line) as Partial<HttpFanoutFigures>;
  if (typeof figures.cpuMsPerViewerMb !== 'number' || typeof figures.heldAtOnce !== 'number') {
    throw new Error(`the HTTP fan-out bench printed no figures: ${line.slice(0, 200)}`);
  }
  return figures as HttpFanoutFigures;
}

function fanoutBenchPath(): string {
  return join(
    dirname(fileURLToPath(import.meta.resolve('@faf-replay/adapter-http'))),
    'bench',
    'http-fanout.js',
  );
}
