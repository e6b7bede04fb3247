import type { BenchReport } from './bench-report.ts';
import { describeMachine } from './machine-info.ts';
import { headline } from './report-headline.ts';
import { httpSection } from './report-http.ts';
import { peakSection } from './report-peak.ts';
import { endedSection, recoverySection } from './report-durability.ts';
import { connectionsSection, memorySection, profileSection } from './report-sections.ts';
import { throughputSection } from './report-throughput.ts';
import { fixed } from './report-format.ts';

/** The Markdown report of one run: headline figures first, then each scenario, then caveats. */
export function renderMarkdown(report: BenchReport): string {
  return [
    `# faf-replay-server benchmark: ${report.mode} run, ${report.startedAt}`,
    '',
    `Machine: ${describeMachine(report.machine)}. Load average before the run: ${fixed(report.machine.loadAverageBefore)}.`,
    `Commit ${report.commit}. Fixture ${report.fixture.file} (${report.fixture.streamBytes} bytes, ${report.fixture.ticks} ticks = 48 min). ` +
      `Took ${Math.round(report.durationS)} s. Rerun: \`${report.command}\`.`,
    '',
    ...(report.failures.length === 0
      ? []
      : [
          '## Scenarios that failed',
          '',
          ...report.failures.map((failure) => `- ${failure.replaceAll('\n', ' ')}`),
          '',
        ]),
    ...headline(report),
    ...(report.throughput === undefined ? [] : throughputSection(report.throughput)),
    ...(report.peak === undefined ? [] : peakSection(report.peak)),
    ...(report.connections === undefined ? [] : connectionsSection(report.connections)),
    ...(report.memory === undefined ? [] : memorySection(report.memory)),
    ...(report.recovery === undefined ? [] : recoverySection(report.recovery)),
    ...(report.ended === undefined ? [] : endedSection(report.ended)),
    ...(report.http === undefined ? [] : httpSection(report.http)),
    ...report.profiles.flatMap(profileSection),
    ...caveats(),
  ].join('\n');
}

function caveats(): string[] {
  return [
    '## Caveats',
    '',
    '- The generator runs on the same machine and competes with the server for CPU; its share and that of other ' +
      'processes are reported with each scenario. Figures taken while other processes were busy understate the server.',
    "- Event-loop delay comes from the server's own `/metrics` (prom-client, 10 ms resolution, reset at each scrape).",
    "- Reader lag is measured from when a byte was due from the writers plus the server's delay; it includes the " +
      "server's 1 s update interval and any lag of the generator.",
    '',
  ];
}
