import { scfaHeaderMetadata } from '@faf-replay/core';
import type { GameId, LiveGameSnapshot } from '@faf-replay/core';

/** A game as the API shows it (snake_case, times as ISO strings, the u64 id as a string). */
export interface GameView {
  readonly id: string;
  /** `waiting`: not watchable yet; `live`: watchable, still being played; `ended`: its stream is complete. */
  readonly state: 'waiting' | 'live' | 'ended';
  /** The core's finer phase: writing, finishing, saving, draining, ended. */
  readonly phase: string;
  readonly started_at: string;
  readonly watchable_from: string | null;
  readonly ended_at: string | null;
  readonly delay_s: number;
  readonly writers: number;
  /** Watchers: TCP and WebSocket readers and HTTP stream viewers. */
  readonly readers: number;
  /** Servable bytes, SCFA header included. */
  readonly bytes: number;
  readonly ticks: number;
  readonly game_time_s: number;
  readonly title: string | null;
  readonly map: string | null;
  readonly players: readonly PlayerView[];
  readonly stream_url: string;
  /** Where its saved replay downloads from, once it is in the vault. */
  readonly download_url: string | null;
}

export interface PlayerView {
  readonly name: string;
  readonly team: string | null;
}

interface HeaderFacts {
  readonly title: string | null;
  readonly map: string | null;
  readonly players: readonly PlayerView[];
}

const NO_HEADER: HeaderFacts = Object.freeze({ title: null, map: null, players: [] });

/** Turns snapshots into views; decodes each game's SCFA header once. */
export class GameViews {
  readonly #headers = new Map<GameId, HeaderFacts>();

  view(
    snapshot: LiveGameSnapshot,
    extra: { readonly nowMs: number; readonly httpViewers: number; readonly downloadUrl: string | null },
  ): GameView {
    const facts = this.#facts(snapshot);
    const id = snapshot.gameId.toString();
    return {
      id,
      state: stateOf(snapshot, extra.nowMs),
      phase: snapshot.phase,
      started_at: iso(snapshot.startedAtMs),
      watchable_from: snapshot.watchableFromMs === undefined ? null : iso(snapshot.watchableFromMs),
      ended_at: null,
      delay_s: snapshot.delayMs / 1000,
      writers: snapshot.writers,
      readers: snapshot.readers + extra.httpViewers,
      bytes: snapshot.bytes,
      ticks: snapshot.ticks,
      game_time_s: snapshot.gameTimeMs / 1000,
      ...facts,
      stream_url: `/api/v1/games/${id}/stream`,
      download_url: extra.downloadUrl,
    };
  }

  /** Forgets a game's decoded header (it left the list). */
  forget(gameId: GameId): void {
    this.#headers.delete(gameId);
  }

  #facts(snapshot: LiveGameSnapshot): HeaderFacts {
    const known = this.#headers.get(snapshot.gameId);
    if (known !== undefined) return known;
    if (snapshot.scfaHeader === undefined) return NO_HEADER;
    const facts = headerFacts(snapshot);
    this.#headers.set(snapshot.gameId, facts);
    return facts;
  }
}

function headerFacts(snapshot: LiveGameSnapshot): HeaderFacts {
  const metadata = scfaHeaderMetadata({
    gameId: snapshot.gameId,
    scfaHeader: snapshot.scfaHeader ?? new Uint8Array(),
    startedAtMs: snapshot.startedAtMs,
    endedAtMs: snapshot.startedAtMs,
    firstWriterName: '',
  });
  if (metadata.mapName === 'None' && metadata.teams.size === 0) return NO_HEADER;
  const players: PlayerView[] = [];
  for (const [team, names] of metadata.teams) {
    for (const name of names) players.push({ name, team: team === 'null' ? null : team });
  }
  return Object.freeze({
    title: metadata.title === `Game ${snapshot.gameId}` ? null : metadata.title,
    map: metadata.mapName === 'None' ? null : metadata.mapName,
    players,
  });
}

function stateOf(snapshot: LiveGameSnapshot, nowMs: number): GameView['state'] {
  if (snapshot.phase === 'saving' || snapshot.phase === 'draining' || snapshot.phase === 'ended') {
    return 'ended';
  }
  const watchable = snapshot.watchableFromMs !== undefined && snapshot.watchableFromMs <= nowMs;
  return watchable && snapshot.bytes > 0 ? 'live' : 'waiting';
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
