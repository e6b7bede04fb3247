import { ClientError } from './client-error.js';

/** A game as the HTTP API lists it (`GET /api/v1/games`); see the server's OpenAPI document. */
export interface LiveGame {
  readonly id: string;
  readonly state: 'waiting' | 'live' | 'ended';
  readonly started_at: string;
  readonly watchable_from: string | null;
  readonly delay_s: number;
  readonly writers: number;
  readonly readers: number;
  readonly bytes: number;
  readonly ticks: number;
  readonly game_time_s: number;
  readonly map: string | null;
  readonly title: string | null;
  readonly players: readonly { readonly name: string; readonly team: string | null }[];
  readonly stream_url: string;
  readonly download_url: string | null;
}

/** The live games of a server's HTTP API (`http://host:15002`, or the full list URL). */
export async function fetchLiveGames(
  url: string,
  signal?: AbortSignal,
): Promise<{ readonly url: string; readonly games: readonly LiveGame[] }> {
  const listUrl = gamesUrl(url);
  let response: Response;
  try {
    response = await fetch(listUrl, { signal: signal ?? null, headers: { accept: 'application/json' } });
  } catch (cause) {
    throw new ClientError('SERVER_UNREACHABLE', `cannot reach ${listUrl}`, { cause });
  }
  if (!response.ok) throw new ClientError('SERVER_UNREACHABLE', `${listUrl} answered ${response.status}`);
  const body = (await response.json()) as { games?: LiveGame[] };
  if (!Array.isArray(body.games)) throw new ClientError('SERVER_UNREACHABLE', `${listUrl} sent no game list`);
  return { url: listUrl, games: body.games };
}

function gamesUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ClientError('ADDRESS_INVALID', `"${url}" is not an http(s) URL`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ClientError('ADDRESS_INVALID', `"${url}" is not an http(s) URL`);
  }
  if (!parsed.pathname.endsWith('/api/v1/games'))
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/api/v1/games`;
  return parsed.href;
}
