import { get } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { HttpTokens } from './http-tokens.js';
import { VaultDownloads } from './replay-downloads.js';
import type { ReplayView } from './game-board.js';
import { HttpHarness, tempVaultPath } from './testing/index.js';

const example = fixture(fixtureFacts.example.file);
const vaultFile = fixture(fixtureFacts.vault.file);
const seconds = (s: number): number => s * 1_000;

let harness: HttpHarness | undefined;
let vaultRoot: string;
beforeEach(async () => {
  vaultRoot = await mkdtemp(join(tmpdir(), 'faf-http-vault-'));
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await rm(vaultRoot, { recursive: true, force: true });
});

function downloads(indexPath?: string): VaultDownloads {
  return new VaultDownloads({
    vaultRoot,
    replayPath: tempVaultPath,
    ...(indexPath === undefined ? {} : { indexPath }),
  });
}

async function start(options: Parameters<typeof HttpHarness.start>[0]): Promise<HttpHarness> {
  harness = await HttpHarness.start(options);
  return harness;
}

function plainGet(url: string, headers: Record<string, string>): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).once('error', reject);
  });
}

describe('HttpApiServer: downloads', () => {
  it('serves the vault file whole and by range, with ETag and a file name', async () => {
    await writeFile(tempVaultPath(vaultRoot, 8653680n), vaultFile);
    const h = await start({ http: { downloads: downloads() } });
    const whole = await h.fetch('/api/v1/replays/8653680');
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-disposition')).toBe('attachment; filename="8653680.fafreplay"');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expectSameBytes(new Uint8Array(await whole.arrayBuffer()), vaultFile);

    const part = await h.fetch('/api/v1/replays/8653680', { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${vaultFile.length}`);
    expectSameBytes(new Uint8Array(await part.arrayBuffer()), vaultFile.subarray(100, 200));

    const etag = whole.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    // node:http, not fetch: fetch adds `cache-control: no-cache` to a conditional request.
    const cached = await plainGet(h.url('/api/v1/replays/8653680'), { 'if-none-match': etag });
    expect(cached).toBe(304);
    expect((await h.fetch('/api/v1/replays/1')).status).toBe(404);
  });

  it('redirects to the vault served elsewhere', async () => {
    const h = await start({ http: { downloadBaseUrl: 'https://replays.example.org/{id}.fafreplay' } });
    const response = await h.fetch('/api/v1/replays/42', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://replays.example.org/42.fafreplay');
  });

  it('links the download of a game once it is saved, and lists it among recent replays', async () => {
    // TIMELINE: t=0 the writer sends `example` and leaves; t=331 the game is saved and ends:
    // the test's vault gets the file; the board finds it and links it
    const h = await start({ http: { downloads: downloads() } });
    h.play(12n, example).client.close();
    await h.core.clock.advance(seconds(10));
    // The board sees the live game (the event feed polls once a second; here the list asks).
    expect((await h.fetch('/api/v1/games')).status).toBe(200);
    await h.core.clock.advance(seconds(321));
    const saved = h.core.archive.replays.get(12n);
    expect(saved).toBeDefined();
    await writeFile(tempVaultPath(vaultRoot, 12n), example);
    // Past the pause between look-ups of a game not found yet.
    await h.core.clock.advance(seconds(6));
    await h.server.refreshNow();
    const game = await h.json<{ download_url: string | null }>('/api/v1/games/12');
    expect(game.download_url).toBe('/api/v1/replays/12');
    const { replays } = await h.json<{ replays: ReplayView[] }>('/api/v1/replays');
    expect(replays.map((r) => [r.id, r.size, r.download_url])).toEqual([
      ['12', example.length, '/api/v1/replays/12'],
    ]);
  });

  it('lists the recent replays of the standalone index, newest first', async () => {
    const indexPath = join(vaultRoot, 'replay-index.jsonl');
    await writeFile(tempVaultPath(vaultRoot, 1n), 'one');
    await writeFile(tempVaultPath(vaultRoot, 2n), 'two');
    await writeFile(
      indexPath,
      [
        '{"uid":"1","ticks":1,"available":true}',
        '{"uid":"3","available":false}',
        '{"uid":"2","available":true}',
        '',
      ].join('\n'),
    );
    const recent = await downloads(indexPath).recent(10);
    expect(recent.map((r) => r.gameId)).toEqual([2n, 1n]);
  });
});

describe('HttpApiServer: tokens and limits', () => {
  it('with a secret, refuses stream, segment and download requests without a good token', async () => {
    await writeFile(tempVaultPath(vaultRoot, 5n), vaultFile);
    const h = await start({ http: { tokenSecret: 'banana', downloads: downloads() } });
    h.play(6n, example);
    await h.core.clock.advance(seconds(301));
    const tokens = h.server.tokens;
    if (tokens === undefined) throw new Error('no token signer');
    const nowMs = h.core.clock.now();
    const foreign = new HttpTokens({ secret: 'apple' });
    for (const path of ['/api/v1/games/6/stream', '/api/v1/games/6/segments/0', '/api/v1/replays/5']) {
      expect((await h.fetch(path)).status).toBe(401);
      expect((await h.fetch(foreign.signedPath(path, nowMs))).status).toBe(403);
      const expired = tokens.signedPath(path, nowMs - seconds(301));
      expect((await h.fetch(expired)).status).toBe(403);
    }
    const segment = await h.fetch(tokens.signedPath('/api/v1/games/6/segments/0', nowMs));
    expect(segment.status).toBe(200);
    const download = await h.fetch('/api/v1/replays/5', {
      headers: { authorization: `Bearer ${tokens.sign('/api/v1/replays/5', nowMs)}` },
    });
    expect(download.status).toBe(200);
    await download.arrayBuffer();
    const gameToken = tokens.sign('/api/v1/games/6/', nowMs);
    const stream = await h.fetch(`/api/v1/games/6/stream?offset=${example.length}`, {
      headers: { authorization: `Bearer ${gameToken}` },
    });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
    expect((await h.fetch('/api/v1/games')).status).toBe(200);
    expect((await h.fetch('/api/v1/games/6/sync')).status).toBe(200);
  });

  it('answers 429 past the per-address rate limit', async () => {
    const h = await start({ http: { rateLimit: { max: 3, timeWindowMs: 60_000 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.fetch('/api/v1/games')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('bounds the streams one address holds open', async () => {
    const h = await start({ http: { maxOpenPerIp: 2 } });
    h.play(13n, example);
    await h.core.clock.advance(seconds(301));
    const open = [await h.fetch('/api/v1/games/13/stream'), await h.fetch('/api/v1/events')];
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await h.fetch('/api/v1/games/13/stream');
    expect(third.status).toBe(429);
    for (const response of open) await response.body?.cancel();
  });
});
