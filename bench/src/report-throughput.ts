import { checkLine, fixed, mb, percent, table } from './report-format.ts';
import { runLabel } from './scenario-throughput.ts';
import type { ThroughputResult, ThroughputRun } from './scenario-throughput.ts';

export function throughputSection(result: ThroughputResult): string[] {
  const { plan } = result;
  return [
    '## Scenarios 3 and 5: throughput, and the baseline relay',
    '',
    `${plan.games} games × ${plan.writersPerGame} writers × ${plan.readersPerGame} readers of the whole game, sent as fast as ` +
      `the sockets take it, into the relay, the server and the server saving at zstd level 1, in turn, ${plan.repetitions} times each. CPU is the ` +
      `process's user+system time from before the first connection to the last saved file (zstd runs on the thread pool ` +
      `and is included). The relay forwards each game's first writer to its readers and does nothing else. Disk is ` +
      `what the process wrote to storage (\`write_bytes\` of \`/proc/<pid>/io\`: the live log, its segments and the ` +
      `vault) per byte ingested.`,
    '',
    ...table(RUN_COLUMNS, result.runs.map(runRow)),
    '',
    `Medians: server ${fixed(result.serverCpuMsPerMb, 2)} CPU ms per MB, relay ${fixed(result.relayCpuMsPerMb, 2)}: ` +
      `**ratio ${fixed(result.cpuRatioToRelay, 2)}**. Saving at zstd level 1 instead of 10: ` +
      `${fixed(result.fastSaveCpuMsPerMb, 2)} ms per MB, **data path ratio ${fixed(result.dataPathRatioToRelay, 2)}**; ` +
      `so compressing the saved replays at level 10 costs ${fixed(result.zstdCpuMsPerMb, 2)} ms per MB ingested ` +
      `(with the garbage collections its 30 MB contexts cause). Disk written per byte ingested: ` +
      `**${fixed(result.diskBytesPerByteIngested, 2)}** (${plan.writersPerGame} writers per game send the same stream).`,
    '',
    ...runProblems(result),
  ];
}

const RUN_COLUMNS = [
  'run',
  'target',
  'MB in',
  'CPU s',
  'MB per CPU-s',
  'CPU ms per MB',
  'MB/s while sending',
  'peak RSS',
  'disk per byte in',
  'generator CPU',
  'checks',
];

function runRow(run: ThroughputRun, i: number): string[] {
  return [
    String(Math.floor(i / 3) + 1),
    runLabel(run),
    fixed(run.ingestedMb, 0),
    fixed(run.cpuS, 2),
    fixed(run.mbPerCpuS, 1),
    fixed(run.cpuMsPerMb, 2),
    fixed(run.mbPerWallS, 0),
    mb(run.peakRssMb * 1e6),
    fixed(run.diskBytesPerByteIngested, 2),
    percent(run.generatorCpuShare),
    checkLine(run.readersComplete, run.readers, run.savedFiles),
  ];
}

/** Readers that got too little or wrong bytes, and files that differ, in any run: a list, or nothing. */
function runProblems(result: ThroughputResult): string[] {
  const lines = result.runs.flatMap((run, i) =>
    [...run.readerFailures, ...run.shortReaders, ...(run.savedFiles?.failures ?? [])].map(
      (line) => `- ${runLabel(run)} run ${Math.floor(i / 3) + 1}: ${line}`,
    ),
  );
  return lines.length === 0 ? [] : [...lines.slice(0, 12), ''];
}
