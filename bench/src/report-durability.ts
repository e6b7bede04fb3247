import { cores, fixed, mb, table } from './report-format.ts';
import type { EndedResult } from './scenario-ended.ts';
import type { RecoveryResult } from './scenario-recovery.ts';

/** The Headline table's row of the recovery scenario. */
export function recoveryHeadline(result: RecoveryResult): string[] {
  return [
    `Recovery of ${result.plan.games} live games after kill -9: start to ready / to all saved`,
    `${fixed(result.listeningS, 1)} s / **${fixed(result.allSavedS, 1)} s** (CPU ${fixed(result.cpuS, 1)} s, ` +
      `peak RSS ${fixed(result.peakRssMb, 0)} MB; files ${result.savedFiles.ok}/${result.savedFiles.checked} intact)`,
  ];
}

/** The Headline table's row of the ended-games scenario. */
export function endedHeadline(result: EndedResult): string[] {
  return [
    `Memory kept after ${result.plan.games} ended games (heap + external over idle)`,
    `${fixed(result.growthMb, 1)} MB = **${fixed(result.growthMbPerGame, 3)} MB per ended game** ` +
      `(RSS ${fixed(result.rssGrowthMb, 0)} MB over idle)`,
  ];
}

export function recoverySection(result: RecoveryResult): string[] {
  const { plan, savedFiles: files } = result;
  return [
    '## Durability: recovery of live games after kill -9',
    '',
    `${plan.games} live games × ${plan.writersPerGame} writers × ${plan.readersPerGame} reader of ${result.fixture}, each ` +
      `sent fast to a different point (${fixed(result.gameMinutes.min, 0)} to ${fixed(result.gameMinutes.max, 0)} minutes ` +
      `of game) and held there, writers connected: ${fixed(result.streamMb, 0)} MB of streams, ` +
      `${fixed(result.liveLogMb, 0)} MB of live logs in ${result.liveLogGames} directories. Once the server had received ` +
      `everything and its logs had not grown for 1.5 fsync intervals (${fixed(result.flushWaitS, 1)} s), it was killed ` +
      `(SIGKILL) and started again on the same directories ${fixed(result.restartAfterKillS, 1)} s later ` +
      `(storage.live_owner_stale_s = ${plan.liveOwnerStaleS}: the killed process's heartbeat must be that old before ` +
      `its games are adopted at start). fsync interval ${plan.fsyncIntervalS} s; grace for writers to return ` +
      `${plan.graceS} s; delay ${plan.delayS} s.`,
    '',
    ...table(['figure', 'value'], recoveryRows(result)),
    '',
    ...[...files.failures, ...result.beforeKill.failures, ...result.problems]
      .slice(0, 12)
      .map((line) => `- ${line}`),
    '',
  ];
}

function recoveryRows(result: RecoveryResult): string[][] {
  const files = result.savedFiles;
  return [
    [
      'start to ready (the "listening" line, once the games are recovered; the ports accept before)',
      `${fixed(result.listeningS, 2)} s`,
    ],
    ['start to every game saved', `${fixed(result.allSavedS, 2)} s`],
    ['CPU of the restarted server until then', `${fixed(result.cpuS, 2)} s`],
    ['peak RSS of the restarted server until then', mb(result.peakRssMb * 1e6)],
    ['other processes meanwhile (they compete with it)', cores(result.otherCores)],
    ['games recovered / saved (its /metrics)', `${result.recoveredReplays} / ${result.savedReplays}`],
    [
      'saved files that are a prefix of what was sent, lacking at most the last fsync interval',
      `${files.ok}/${files.checked} (missing ${files.missing}, differing ${files.wrong}, lacking more ${files.short})`,
    ],
    ['bytes lacking: most in one file / in all', `${files.lackingBytesMax} / ${files.lackingBytesTotal}`],
    ['readers before the kill: differing bytes', String(result.beforeKill.readersCorrupt)],
    ['warnings and errors of the restarted server', String(result.problemCount)],
  ];
}

export function endedSection(result: EndedResult): string[] {
  const { plan, idle, afterEnded: after } = result;
  const row = (name: string, idleBytes: number, minBytes: number, lastBytes: number): string[] => [
    name,
    mb(idleBytes),
    mb(minBytes),
    mb(lastBytes),
    `${fixed((minBytes - idleBytes) / 1e6, 1)} MB`,
  ];
  return [
    '## Durability: memory after ended games',
    '',
    `${plan.games} whole games of ${result.fixture} (${fixed(result.streamMb, 2)} MB, 43 minutes) × ` +
      `${plan.writersPerGame} writers × ${plan.readersPerGame} reader, sent as fast as the server takes them, ` +
      `${plan.gamesAtOnce} at a time (${fixed(result.playS, 0)} s in all); delay ${plan.delayS} s, grace ${plan.graceS} s. ` +
      `Sampled ${idle.samples} times at idle and ${after.samples} times, ${plan.sampleIntervalS} s apart, once every game ` +
      `was saved (V8 collects lazily: the least and the last are shown). External memory includes array buffers ` +
      `(the server's /metrics has no separate figure). Growth = least after − least at idle: ` +
      `**${fixed(result.growthMbPerGame, 3)} MB per ended game**.`,
    '',
    ...table(
      ['memory', 'idle (least)', 'after (least)', 'after (last)', 'growth'],
      [
        row('JS heap used', idle.heapMinBytes, after.heapMinBytes, after.heapLastBytes),
        row('external', idle.externalMinBytes, after.externalMinBytes, after.externalLastBytes),
        row('heap + external', idle.jsMinBytes, after.jsMinBytes, after.jsLastBytes),
        row('RSS', idle.rssMinBytes, after.rssMinBytes, after.rssLastBytes),
      ],
    ),
    '',
    `Checks: readers ${result.final.readersComplete}/${result.final.readers} complete, files ` +
      `${result.savedFiles?.ok ?? 0}/${result.savedFiles?.checked ?? 0} equal.`,
    '',
    ...[...result.final.failures, ...(result.savedFiles?.failures ?? []), ...result.problems]
      .slice(0, 12)
      .map((line) => `- ${line}`),
    '',
  ];
}
