import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixed, table } from './report-format.ts';
import { figures, readRunFigures } from './run-figures.ts';
import type { RunFigures } from './run-figures.ts';
import { median } from './stats.ts';

/** Medians of the headline figures over the last runs of one mode: the README's table. */
export function summarizeRuns(runs: readonly RunFigures[]): string {
  const rows = figures.map((figure) => {
    const values = runs.map((run) => run.values[figure.name] ?? Number.NaN);
    const measured = values.filter((value) => Number.isFinite(value));
    return [
      figure.name,
      fixed(median(measured), figure.digits),
      values.map((v) => fixed(v, figure.digits)).join(', '),
    ];
  });
  const machines = [...new Set(runs.map((run) => run.machine))];
  return [
    `Medians of ${runs.length} \`${runs[0]?.command ?? 'pnpm bench'}\` runs ` +
      `(${runs.map((run) => run.startedAt).join(', ')}), on ${machines.join('; ')}.`,
    '',
    ...table(['figure', 'median', 'each run'], rows),
    '',
  ].join('\n');
}

if (import.meta.main) {
  const mode = process.argv.includes('--full') ? 'full' : 'short';
  const count = Number(/--runs=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 3);
  const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
  const runs = readRunFigures(resultsDir, mode, count);
  if (runs.length === 0) throw new Error(`no ${mode} results in ${resultsDir}: run pnpm bench first`);
  const markdown = summarizeRuns(runs);
  writeFileSync(join(resultsDir, `summary-${mode}.md`), markdown);
  process.stdout.write(markdown);
}
