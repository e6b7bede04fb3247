import { formatCount } from './format.js';
import type { ArmyReport, BodyReport, InspectReport, ModReport } from './inspect-report.js';

/** `faf-replay inspect`'s human-readable output. */
export function renderInspectReport(report: InspectReport): string {
  return [...fileLines(report), ...headerLines(report), ...bodyLines(report.body)].join('\n');
}

function fileLines(report: InspectReport): string[] {
  const { file } = report;
  const kind =
    report.fafreplayVersion === null ? 'raw replay stream' : `.fafreplay version ${report.fafreplayVersion}`;
  const lines = [`${file.path}: ${kind}, ${formatCount(file.bytes)} bytes`];
  if (report.jsonHeader !== null) {
    lines.push(`  stream             ${formatCount(report.streamBytes)} bytes`, 'JSON header');
    lines.push(
      ...JSON.stringify(report.jsonHeader, null, 2)
        .split('\n')
        .map((line) => `  ${line}`),
    );
  }
  return lines;
}

function headerLines(report: InspectReport): string[] {
  const header = report.scfaHeader;
  return [
    `SCFA header: ${formatCount(header.bytes)} bytes`,
    field('game version', header.gameVersion),
    field('replay version', header.replayVersion),
    field('map', `${header.mapName} (${header.mapPath || 'no map path'})`),
    ...(header.scenarioName === null ? [] : [field('scenario', header.scenarioName)]),
    ...(header.victory === null ? [] : [field('victory', header.victory)]),
    field('seed', String(header.seed)),
    field('cheats', header.cheatsEnabled ? 'enabled' : 'off'),
    field(
      `players (${header.players.length})`,
      header.players.map((player) => player.name).join(', ') || 'none',
    ),
    `  armies (${header.armies.length})`,
    ...header.armies.map(armyLine),
    field(`mods (${header.mods.length})`, header.mods.length === 0 ? 'none' : ''),
    ...header.mods.map(modLine),
  ];
}

function bodyLines(body: BodyReport): string[] {
  const lines = [`Body: ${formatCount(body.bytes)} bytes`];
  if (body.problem !== null) {
    lines.push(
      field(
        'status',
        `${body.status} at body offset ${formatCount(body.problem.offset)}: ${body.problem.reason}`,
      ),
      field('ticks before', formatCount(body.problem.ticksBefore)),
    );
    return lines;
  }
  lines.push(
    field('frames', formatCount(body.frames ?? 0)),
    field('ticks', `${formatCount(body.ticks ?? 0)} (${body.gameTime ?? ''} of game time)`),
    field(
      'ends with EndGame',
      body.endsWithEndGame === true ? 'yes (the game ended)' : 'no (the recording stopped)',
    ),
  );
  return lines;
}

function field(name: string, value: string): string {
  return `  ${name.padEnd(19)}${value}`.trimEnd();
}

function armyLine(army: ArmyReport): string {
  const name = (army.name ?? '?').padEnd(16);
  const team = `team ${army.team ?? '-'}`.padEnd(8);
  const faction = (army.factionName ?? (army.faction === null ? '-' : `faction ${army.faction}`)).padEnd(10);
  return `    ${String(army.index).padStart(2)}  ${name} ${team} ${faction} ${army.kind}`;
}

function modLine(mod: ModReport): string {
  const version = mod.version === null ? '' : ` v${mod.version}`;
  return `    ${mod.name ?? '?'}${version} (${mod.uid ?? 'no uid'})`;
}
