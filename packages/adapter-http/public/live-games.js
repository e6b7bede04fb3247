// The live-games page: one EventSource on /api/v1/events, rows keyed by game id, text only
// (player names are untrusted: never parsed as HTML). Countdowns run on the server's clock:
// the offset between it and this page's monotonic clock is taken from every event.
'use strict';

const body = document.getElementById('games-body');
const noGames = document.getElementById('no-games');
const replayList = document.getElementById('replays');
const noReplays = document.getElementById('no-replays');
const connection = document.getElementById('connection');
const watchMeta = document.querySelector('meta[name="faf-watch-address"]');
const watchAddress = (watchMeta && watchMeta.content) || `${location.hostname}:15000`;

const games = new Map();
let serverOffsetMs = 0;

function serverNow() {
  return performance.now() + serverOffsetMs;
}

function takeServerTime(data) {
  const serverMs = Date.parse(data.server_time);
  if (!Number.isNaN(serverMs)) serverOffsetMs = serverMs - performance.now();
}

function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function statusOf(game) {
  if (game.state === 'ended') return game.download_url ? 'Ended' : 'Ended, saving…';
  if (game.state === 'live') return 'Live';
  if (game.watchable_from === null) return 'Starting…';
  const left = (Date.parse(game.watchable_from) - serverNow()) / 1000;
  return left > 0 ? `Watchable in ${clock(left)}` : 'Watchable now';
}

function watchCell(game) {
  const cell = element('td', undefined, 'watch');
  if (game.state === 'ended') {
    if (game.download_url) {
      const link = element('a', `Download replay ${game.id}`);
      link.href = game.download_url;
      link.setAttribute('download', `${game.id}.fafreplay`);
      cell.append(link);
    }
    return cell;
  }
  cell.append(element('code', `gpgnet://${watchAddress}/${game.id}/live.SCFAreplay`), element('br'));
  const stream = new URL(game.stream_url, location.href).href;
  cell.append(element('code', `faf-replay watch ${stream} -o ${game.id}.scfareplay`));
  return cell;
}

function renderRow(game) {
  const row = element('tr');
  row.dataset.gameId = game.id;
  row.className = `state-${game.state}`;
  const id = element('th', game.id);
  id.scope = 'row';
  const players = game.players.map((p) => (p.team === null ? p.name : `${p.name} (team ${p.team})`));
  row.append(
    id,
    element('td', game.map ?? '–', 'map'),
    element('td', players.join(', ') || '–', 'players'),
    element('td', clock(game.game_time_s), 'game-time number'),
    element('td', String(game.readers), 'viewers number'),
    element('td', statusOf(game), 'status'),
    watchCell(game),
  );
  return row;
}

function upsert(game) {
  const next = renderRow(game);
  const existing = games.get(game.id);
  games.set(game.id, { game, row: next });
  if (existing) existing.row.replaceWith(next);
  else body.append(next);
  noGames.hidden = games.size > 0;
}

function remove(id) {
  const existing = games.get(id);
  if (existing) existing.row.remove();
  games.delete(id);
  noGames.hidden = games.size > 0;
}

function renderReplays(replays) {
  replayList.replaceChildren(
    ...replays.map((replay) => {
      const item = element('li');
      const link = element('a', `Replay ${replay.id}`);
      link.href = replay.download_url;
      link.setAttribute('download', `${replay.id}.fafreplay`);
      const saved = new Date(replay.saved_at).toLocaleString();
      item.append(link, element('span', ` — ${Math.ceil(replay.size / 1024)} KiB, saved ${saved}`));
      return item;
    }),
  );
  noReplays.hidden = replays.length > 0;
}

function tickCountdowns() {
  for (const { game, row } of games.values()) {
    if (game.state !== 'waiting') continue;
    const cell = row.querySelector('.status');
    const text = statusOf(game);
    if (cell && cell.textContent !== text) cell.textContent = text;
  }
}

function on(source, name, handle) {
  source.addEventListener(name, (event) => {
    const data = JSON.parse(event.data);
    takeServerTime(data);
    handle(data);
  });
}

function connect() {
  const source = new EventSource('/api/v1/events');
  source.addEventListener('open', () => (connection.textContent = 'Connected: updates live.'));
  source.addEventListener('error', () => (connection.textContent = 'Connection lost: reconnecting…'));
  on(source, 'snapshot', (data) => {
    for (const id of [...games.keys()]) remove(id);
    for (const game of data.games) upsert(game);
    renderReplays(data.replays);
  });
  on(source, 'game', (data) => upsert(data.game));
  on(source, 'gone', (data) => remove(data.id));
  on(source, 'replays', (data) => renderReplays(data.replays));
}

setInterval(tickCountdowns, 250);
connect();
