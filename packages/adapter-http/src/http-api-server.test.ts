import { afterEach, describe, expect, it } from 'vitest';
import { settle } from '@faf-replay/core/testing';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import type { GameView } from './game-view.js';
import { HttpHarness } from './testing/index.js';

const example = fixture(fixtureFacts.example.file);
const exampleHeader = example.subarray(0, fixtureFacts.example.headerBytes);
const START_MS = Date.UTC(2026, 0, 1);
const seconds = (s: number): number => s * 1_000;
const iso = (msSinceStart: number): string => new Date(START_MS + msSinceStart).toISOString();

let harness: HttpHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options?: Parameters<typeof HttpHarness.start>[0]): Promise<HttpHarness> {
  harness = await HttpHarness.start(options);
  return harness;
}

async function bytesOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

async function games(h: HttpHarness): Promise<GameView[]> {
  return (await h.json<{ games: GameView[] }>('/api/v1/games')).games;
}

describe('HttpApiServer: live games and the delayed stream', () => {
  it('lists a live game with its counts, says when it becomes watchable, then streams it', async () => {
    // TIMELINE (delay 300 s, grace 30 s)
    // t=0    the writer of game 7 sends `example` whole; a TCP reader joins
    // t=10   listed as waiting, watchable from t=300 (map and players unknown: the core shows
    //        the header once it is servable); stream and sync answer 503, Retry-After 290
    // t=301  live, with map and players: HTTP streams from 0 and from 1000 start; 3 readers
    // t=302  the writer leaves; t=333 grace over: both streams end with every byte
    const h = await start();
    const writer = h.play(7n, example);
    await settle();
    h.core.connect('G/7/watcher\0');
    await h.core.clock.advance(seconds(10));
    const [waiting] = await games(h);
    expect(waiting).toMatchObject({
      id: '7',
      state: 'waiting',
      phase: 'writing',
      started_at: iso(0),
      watchable_from: iso(seconds(300)),
      delay_s: 300,
      writers: 1,
      readers: 1,
      bytes: 0,
      map: null,
      players: [],
      download_url: null,
    });
    for (const path of ['/api/v1/games/7/stream', '/api/v1/games/7/sync']) {
      const early = await h.fetch(path);
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('290');
      expect(await early.json()).toMatchObject({
        error: 'not_watchable_yet',
        watchable_from: iso(seconds(300)),
      });
    }

    await h.core.clock.advance(seconds(291));
    const fromZero = await h.fetch('/api/v1/games/7/stream');
    const fromOffset = await h.fetch('/api/v1/games/7/stream?offset=1000');
    expect([fromZero.status, fromOffset.status]).toEqual([200, 200]);
    const [live] = await games(h);
    expect(live).toMatchObject({
      state: 'live',
      readers: 3,
      bytes: example.length,
      ticks: fixtureFacts.example.ticks,
      map: 'scmp_016',
      title: 'Canis River',
      players: [
        { name: 'MazorNoob', team: '2' },
        { name: 'dragonite', team: '3' },
      ],
    });
    expect(live?.game_time_s).toBe(fixtureFacts.example.ticks / 10);

    writer.client.close();
    await h.core.clock.advance(seconds(32));
    expectSameBytes(await bytesOf(fromZero), example);
    expectSameBytes(await bytesOf(fromOffset), example.subarray(1000));
  });

  it('holds a stream ahead of the servable bytes open until they come, and answers 404 for a game it does not have', async () => {
    const h = await start();
    h.play(8n, example);
    await h.core.clock.advance(seconds(301));
    const ahead = new AbortController();
    const beyond = await h.fetch(`/api/v1/games/8/stream?offset=${example.length + 1}`, {
      signal: ahead.signal,
    });
    expect(beyond.status).toBe(200);
    expect(beyond.headers.get('x-stream-offset')).toBe(String(example.length + 1));
    ahead.abort();
    expect((await h.fetch('/api/v1/games/9/stream')).status).toBe(404);
    expect((await h.fetch('/api/v1/games/9')).status).toBe(404);
    expect((await h.fetch('/api/v1/games/99999999999999999999/stream')).status).toBe(404);
    expect((await h.fetch('/api/v1/games/abc/stream')).status).toBe(400);
    expect((await h.fetch('/api/v1/games/8/stream?offset=-1')).status).toBe(400);
  });

  it('serves immutable segments whose concatenation is the replay, 404 until committed', async () => {
    // TIMELINE: t=0 the writer sends `example`; t=10 no segment yet; t=301 all committed
    const h = await start();
    const writer = h.play(10n, example);
    await h.core.clock.advance(seconds(10));
    expect((await h.fetch('/api/v1/games/10/segments/0')).status).toBe(404);
    await h.core.clock.advance(seconds(291));

    const sync = await h.fetch('/api/v1/games/10/sync');
    expect(sync.headers.get('cache-control')).toBe('public, max-age=1');
    const { segments, segment, bytes, finished } = (await sync.json()) as Record<string, unknown>;
    expect({ bytes, finished, segment }).toEqual({
      bytes: example.length,
      finished: false,
      segment: Number(segments) - 1,
    });

    const parts: Uint8Array[] = [];
    for (let n = 0; n < Number(segments); n++) {
      const response = await h.fetch(`/api/v1/games/10/segments/${n}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);
      parts.push(await bytesOf(response));
    }
    expectSameBytes(parts[0] ?? new Uint8Array(), exampleHeader);
    expectSameBytes(Buffer.concat(parts), example);
    const missing = await h.fetch(`/api/v1/games/10/segments/${String(segments)}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');

    const first = await h.fetch('/api/v1/games/10/segments/1');
    const etag = first.headers.get('etag') ?? '';
    const again = await h.fetch('/api/v1/games/10/segments/1', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const head = await h.fetch('/api/v1/games/10/segments/1', { method: 'HEAD' });
    expect([head.status, head.headers.get('etag')]).toEqual([200, etag]);
    writer.client.close();
  });

  it('keeps an ended game listed, answers 410 for its stream, and drops it after the retention', async () => {
    // TIMELINE (retention 60 s, grace 30 s): t=0 writer sends and leaves; t=30 the game is over,
    // saved and gone from the directory; the board notices at its next look (a real-time poll
    // during the advance, or the request at t=331): listed as ended; t=401, past the retention
    // of even the latest notice: no longer listed
    const h = await start({ http: { endedRetentionMs: seconds(60) } });
    h.play(11n, example).client.close();
    await h.core.clock.advance(seconds(10));
    expect((await games(h)).map((g) => g.state)).toEqual(['waiting']);
    await h.core.clock.advance(seconds(321));
    expect(h.core.service.directory.get(11n)).toBeUndefined();
    const [ended] = await games(h);
    expect(ended).toMatchObject({ id: '11', state: 'ended', writers: 0 });
    const endedAt = Date.parse(ended?.ended_at ?? '') - Date.parse(iso(0));
    expect(endedAt).toBeGreaterThanOrEqual(seconds(30));
    expect(endedAt).toBeLessThanOrEqual(seconds(331));
    expect(await h.json('/api/v1/games/11')).toMatchObject({ id: '11', state: 'ended' });
    const gone = await h.fetch('/api/v1/games/11/stream');
    expect(gone.status).toBe(410);
    await h.core.clock.advance(seconds(70));
    expect(await games(h)).toEqual([]);
  });

  it('serves the OpenAPI document, naming every route', async () => {
    const h = await start();
    const document = await h.json<{ openapi: string; paths: Record<string, unknown> }>(
      '/api/v1/openapi.json',
    );
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/events',
      '/api/v1/games',
      '/api/v1/games/{id}',
      '/api/v1/games/{id}/segments/{n}',
      '/api/v1/games/{id}/stream',
      '/api/v1/games/{id}/sync',
      '/api/v1/replays',
      '/api/v1/replays/{id}',
    ]);
  });
});
