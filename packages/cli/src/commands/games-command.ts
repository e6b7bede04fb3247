import { fetchLiveGames } from '@faf-replay/client';
import type { LiveGame } from '@faf-replay/client';
import { exitCodes } from './command-context.js';
import type { CommandContext } from './command-context.js';
import { formatClock } from './format.js';
import { parseCommandLine, positionalsOf, runCommand } from './run-command.js';

const usage = `Usage: faf-replay games <http://host:15002> [options]

Lists the live games of a server's HTTP API (server.http_port): id, state, map, players, game
time, viewers, and when each becomes watchable (or where its replay downloads from, once ended).

Options:
  --json      print the API's JSON as it is
  -h, --help  this help`;

const options = { json: { type: 'boolean' } } as const;

/** `faf-replay games <url>`. */
export function gamesCommand(argv: readonly string[], context: CommandContext): Promise<number> {
  return runCommand('games', usage, argv, context, async () => {
    const { values, positionals } = parseCommandLine(argv, options);
    const [url = ''] = positionalsOf(positionals, ['url']);
    const { url: listUrl, games } = await fetchLiveGames(url, context.signal);
    if (values.json === true) {
      context.stdout.write(`${JSON.stringify({ games }, null, 2)}\n`);
      return exitCodes.ok;
    }
    context.stdout.write(`${renderGames(games, new URL(listUrl), Date.now())}\n`);
    return exitCodes.ok;
  });
}

/** One line per game, aligned in columns. */
export function renderGames(games: readonly LiveGame[], listUrl: URL, nowMs: number): string {
  if (games.length === 0) return 'no live games';
  const rows = [['GAME', 'STATE', 'MAP', 'PLAYERS', 'TIME', 'VIEWERS', 'WATCH']];
  for (const game of games) {
    rows.push([
      game.id,
      game.state,
      game.map ?? '-',
      game.players.map((player) => player.name).join(', ') || '-',
      formatClock(game.ticks),
      String(game.readers),
      watchColumn(game, listUrl, nowMs),
    ]);
  }
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function watchColumn(game: LiveGame, listUrl: URL, nowMs: number): string {
  if (game.state === 'ended')
    return game.download_url === null ? 'saving' : new URL(game.download_url, listUrl).href;
  const stream = new URL(game.stream_url, listUrl).href;
  if (game.state === 'live' || game.watchable_from === null) return stream;
  const leftS = Math.max(0, Math.ceil((Date.parse(game.watchable_from) - nowMs) / 1000));
  return `in ${leftS} s: ${stream}`;
}
