import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pacedStream, playGame } from '@faf-replay/client';
import { fixture, fixtureFacts, waitUntil } from '@faf-replay/fixtures';
import { expectSameBytes } from '@faf-replay/fixtures/expect';
import { AppProcess, tempDataDir, testFlags } from './support/app-process.js';
import { waitForSavedFile } from './support/vault.js';

// The public HTTP port (issue 13) through the app as main starts it.

const example = fixture(fixtureFacts.example.file);
const secret = 'a-test-secret-of-enough-length';
let apps: AppProcess[] = [];

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  apps = [];
});

async function startApp(extra: string[] = []): Promise<{ app: AppProcess; dataDir: string; base: string }> {
  const dataDir = tempDataDir();
  const app = await AppProcess.start([...testFlags(dataDir), '--replay.delay_s=2', ...extra]);
  apps.push(app);
  return { app, dataDir, base: `http://127.0.0.1:${app.ports.http ?? 0}` };
}

async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** Reads the event feed until a `game` event matches: the server says when, no polling here. */
async function untilEvent(base: string, match: (game: Record<string, unknown>) => boolean): Promise<void> {
  const stop = new AbortController();
  const response = await fetch(`${base}/api/v1/events`, { signal: stop.signal });
  const decoder = new TextDecoder();
  let text = '';
  try {
    await waitUntil(
      async () => {
        if (response.body === null) throw new Error('the event feed has no body');
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          text += decoder.decode(chunk, { stream: true });
          for (const data of text.matchAll(/^data: (.*)$/gm)) {
            const event = JSON.parse(data[1] ?? '{}') as {
              game?: Record<string, unknown>;
              games?: Record<string, unknown>[];
            };
            if ([event.game, ...(event.games ?? [])].some((game) => game !== undefined && match(game)))
              return true;
          }
        }
        throw new Error('the event feed ended');
      },
      { what: 'a matching game event', timeoutMs: 15_000, wakeups: [] },
    );
  } catch (error) {
    const last = [...text.matchAll(/^data: (.*)$/gm)].at(-1)?.[1] ?? 'no event';
    throw new Error(`${(error as Error).message}; the last event: ${last.slice(0, 400)}`, { cause: error });
  } finally {
    stop.abort();
  }
}

/** A token as FAF's user service issues them: `<issuedAtS>-base64(HMAC-SHA256(secret, path + issuedAtS))`. */
function token(path: string): string {
  const issuedAtS = String(Math.floor(Date.now() / 1000));
  return `${issuedAtS}-${createHmac('sha256', secret)
    .update(path + issuedAtS)
    .digest('base64')}`;
}

describe('the HTTP API, end to end', () => {
  it('lists a live game, says when it is watchable, streams it from any offset and as segments, and serves the download', async () => {
    // A 5 s grace: the finished game stays listed while its segments are read.
    const { app, dataDir, base } = await startApp(['--replay.time_with_zero_writers_to_end_replay_s=5']);
    const players = [app.tcp, app.websocket].map((address) =>
      playGame(address, { gameId: 9_100, replay: pacedStream(example), speed: 10 }),
    );
    await app.waitForLog((line) => line.msg === 'Replay 9100 started');
    const early = await fetch(`${base}/api/v1/games/9100/stream`);
    expect(early.status).toBe(503);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
    await early.body?.cancel();
    await untilEvent(
      base,
      (game) => game['id'] === '9100' && game['state'] === 'live' && Number(game['bytes']) > 0,
    );
    const fromZero = fetch(`${base}/api/v1/games/9100/stream?offset=0`).then(bytesOf);
    const fromMiddle = fetch(`${base}/api/v1/games/9100/stream?offset=20000`).then(bytesOf);
    await untilEvent(base, (game) => game['id'] === '9100' && Number(game['readers']) >= 2);
    const { games } = (await (await fetch(`${base}/api/v1/games`)).json()) as {
      games: Record<string, unknown>[];
    };
    const listed = games.find((entry) => entry['id'] === '9100');
    expect(listed).toMatchObject({ id: '9100', writers: 2, delay_s: 2, map: 'scmp_016' });
    expect(Number(listed?.['readers'])).toBeGreaterThanOrEqual(2);
    await Promise.all(players);
    // The game is over: everything is committed and servable, while the grace keeps it listed.
    await untilEvent(base, (game) => game['id'] === '9100' && game['bytes'] === example.length);
    const sync = (await (await fetch(`${base}/api/v1/games/9100/sync`)).json()) as { segments: number };
    const segments: Buffer[] = [];
    const statuses: number[] = [];
    for (let n = 0; n < sync.segments; n++) {
      const segment = await fetch(`${base}/api/v1/games/9100/segments/${n}`);
      statuses.push(segment.status);
      segments.push(await bytesOf(segment));
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expectSameBytes(Buffer.concat(segments), example, 'the segments');
    expectSameBytes(await fromZero, example, 'the stream from 0');
    expectSameBytes(await fromMiddle, example.subarray(20_000), 'the stream from 20000');
    const saved = await waitForSavedFile(dataDir, 9100n);
    const download = await fetch(`${base}/api/v1/replays/9100`);
    expect(download.status).toBe(200);
    expectSameBytes(await bytesOf(download), saved);
  }, 60_000);

  it('asks for a signed token when http.token_secret is set: a bad one is refused, a good one passes', async () => {
    const { app, dataDir, base } = await startApp([`--http.token_secret=${secret}`]);
    // The WebSocket port asks for tokens too (the FAF client's bridge carries them): the players use TCP.
    await Promise.all(
      [app.tcp, app.tcp].map((address) =>
        playGame(address, { gameId: 9_200, replay: pacedStream(example), speed: 1_000 }),
      ),
    );
    const saved = await waitForSavedFile(dataDir, 9200n);
    const path = '/api/v1/replays/9200';
    expect((await fetch(`${base}${path}`)).status).toBe(401);
    expect(
      (await fetch(`${base}${path}?verify=${encodeURIComponent(`${Math.floor(Date.now() / 1000)}-bad`)}`))
        .status,
    ).toBe(403);
    const good = await fetch(`${base}${path}?verify=${encodeURIComponent(token(path))}`);
    expect(good.status).toBe(200);
    expectSameBytes(await bytesOf(good), saved);
  }, 60_000);
});
