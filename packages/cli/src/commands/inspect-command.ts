import { analyzeStream, bodyProblem } from './analyze-stream.js';
import { exitCodes } from './command-context.js';
import type { CommandContext } from './command-context.js';
import { inspectReport, inspectReportJson } from './inspect-report.js';
import { loadReplayFile } from './load-replay-file.js';
import { renderInspectReport } from './render-inspect-report.js';
import { parseCommandLine, positionalsOf, runCommand } from './run-command.js';

const usage = `Usage: faf-replay inspect <file> [--json]

Prints what a replay holds, from a .fafreplay (version 1 or 2) or a raw .scfareplay stream:
the JSON header (of a .fafreplay), the SCFA header (game version, map, players, armies with
teams and factions, mods), the body's size, ticks and game time, and whether it ends with EndGame.

Options:
  --json      one JSON object instead of text
  -h, --help  this help

Exits 1 when the file is missing or corrupt (a body that does not walk to its end is reported,
then exits 1).`;

/** `faf-replay inspect <file>`. */
export function inspectCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  return runCommand('inspect', usage, argv, context, async () => {
    const { values, positionals } = parseCommandLine(argv, { json: { type: 'boolean' } });
    const [path = ''] = positionalsOf(positionals, ['file']);
    const file = await loadReplayFile(path);
    const analysis = analyzeStream(file.stream, path);
    const report = inspectReport(file, analysis);
    context.stdout.write(
      `${values.json === true ? inspectReportJson(report) : renderInspectReport(report)}\n`,
    );
    const problem = bodyProblem(analysis.body);
    if (problem === null) return exitCodes.ok;
    context.stderr.write(`faf-replay inspect: ${path}: ${problem}\n`);
    return exitCodes.failed;
  });
}
