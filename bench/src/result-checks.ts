import type { BenchReport } from './bench-report.ts';
import type { FinishedGames } from './finish-games.ts';
import type { SavedFilesCheck } from './saved-files.ts';

/**
 * Bytes that differ from what the writers sent, to a reader or in a saved file: the one outcome
 * that fails the run (missing or short data under overload is reported, not failed), with one
 * more: a game recovered after kill -9 that lost more than the last fsync interval.
 */
export function findCorruption(report: BenchReport): string[] {
  const found: string[] = [];
  const readers = (scenario: string, corrupt: number, failures: readonly string[]): void => {
    if (corrupt > 0)
      found.push(`${scenario}: ${corrupt} readers got bytes that differ (${failures.join('; ')})`);
  };
  const files = (scenario: string, check: SavedFilesCheck | undefined): void => {
    if (check !== undefined && check.wrong > 0) {
      found.push(`${scenario}: ${check.wrong} saved files differ (${check.failures.join('; ')})`);
    }
  };
  for (const run of report.throughput?.runs ?? []) {
    readers(`throughput ${run.target}`, run.readersCorrupt, run.readerFailures);
    files(`throughput ${run.target}`, run.savedFiles);
  }
  for (const step of report.connections?.steps ?? [])
    readers(`connections ${step.games}`, step.readersCorrupt, []);
  for (const [scenario, result] of finishedScenarios(report)) {
    readers(scenario, result.final.readersCorrupt, result.final.failures);
    files(scenario, result.savedFiles);
  }
  if (report.recovery !== undefined) {
    const { beforeKill, savedFiles } = report.recovery;
    readers('recovery', beforeKill.readersCorrupt, beforeKill.failures);
    if (savedFiles.wrong + savedFiles.short > 0) {
      found.push(
        `recovery: ${savedFiles.wrong} saved files differ from what was sent and ${savedFiles.short} lack more than the last fsync interval (${savedFiles.failures.join('; ')})`,
      );
    }
  }
  return found;
}

/** The scenarios that end with a generator summary and a check of the saved files. */
function finishedScenarios(report: BenchReport): [string, FinishedGames][] {
  const { peak, memory, ended } = report;
  const all: [string, FinishedGames | undefined][] = [
    ['peak', peak],
    ['memory', memory],
    ['memory (comparison run)', memory?.comparison],
    ['ended', ended],
  ];
  return all.filter((entry): entry is [string, FinishedGames] => entry[1] !== undefined);
}
