import type { BenchReport } from './bench-report.ts';
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
  if (report.peak !== undefined) {
    readers('peak', report.peak.final.readersCorrupt, report.peak.final.failures);
    files('peak', report.peak.savedFiles);
  }
  for (const step of report.connections?.steps ?? [])
    readers(`connections ${step.games}`, step.readersCorrupt, []);
  if (report.memory !== undefined) {
    readers('memory', report.memory.final.readersCorrupt, report.memory.final.failures);
    files('memory', report.memory.savedFiles);
  }
  const { recovery, ended } = report;
  if (recovery !== undefined) {
    readers('recovery', recovery.beforeKill.readersCorrupt, recovery.beforeKill.failures);
    const { wrong, short, failures } = recovery.savedFiles;
    if (wrong + short > 0) {
      found.push(
        `recovery: ${wrong} saved files differ from what was sent and ${short} lack more than the last fsync interval (${failures.join('; ')})`,
      );
    }
  }
  if (ended !== undefined) {
    readers('ended', ended.final.readersCorrupt, ended.final.failures);
    files('ended', ended.savedFiles);
  }
  return found;
}
