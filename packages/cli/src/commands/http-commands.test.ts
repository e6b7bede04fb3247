import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpHarness } from '@faf-replay/adapter-http/testing';
import { fixture, fixtureFacts, firstDifference } from '@faf-replay/fixtures';
import { gamesCommand, renderGames } from './games-command.js';
import { capturedContext } from './testing/captured-output.js';
import { watchCommand } from './watch-command.js';

const example = fixture(fixtureFacts.example.file);
const seconds = (s: number): number => s * 1_000;

let harness: HttpHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function outputPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'faf-watch-http-')), 'watched.scfareplay');
}

describe('faf-replay watch over HTTP', () => {
  it("saves exactly the game's stream from its stream URL, and exits 0 when the game ends", async () => {
    // TIMELINE (delay 300 s, grace 30 s): t=0 the writer sends `example`; t=301 watch starts;
    // the writer leaves; t=333 the game ends and the stream with it
    const h = (harness = await HttpHarness.start());
    const writer = h.play(40n, example);
    await h.core.clock.advance(seconds(301));
    const out = outputPath();
    const context = capturedContext();
    const watching = watchCommand([h.url('/api/v1/games/40/stream'), '-o', out, '--quiet'], context);
    while (h.server.openResponses === 0) await h.core.clock.advance(10);
    writer.client.close();
    await h.core.clock.advance(seconds(32));
    expect({ code: await watching, stderr: context.stderr.text }).toEqual({ code: 0, stderr: '' });
    expect(firstDifference(readFileSync(out), example)).toBe(-1);
    expect(context.stdout.text).toContain(`saved ${out}: 43,544 bytes (SCFA header 1,966, body 41,578)`);
  });

  it('takes the base URL and a game id, and says when the game is not running', async () => {
    const h = (harness = await HttpHarness.start());
    const context = capturedContext();
    const out = outputPath();
    const code = await watchCommand([h.base, '41', '-o', out, '--quiet'], context);
    expect(code).toBe(1);
    expect(context.stderr.text).toContain('/api/v1/games/41/stream refused: 404: game 41 is not live here');
    expect(existsSync(out)).toBe(false);
  });

  it('leaves no file when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const out = outputPath();
    const context = capturedContext();
    const url = `http://127.0.0.1:${port}/api/v1/games/7/stream`;
    expect(await watchCommand([url, '-o', out, '--quiet'], context)).toBe(1);
    expect(context.stderr.text).toBe(`faf-replay watch: cannot reach ${url}: ECONNREFUSED\n`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('faf-replay games', () => {
  it("lists the server's live games", async () => {
    const h = (harness = await HttpHarness.start());
    h.play(42n, example);
    await h.core.clock.advance(seconds(301));
    const context = capturedContext();
    expect(await gamesCommand([h.base], context)).toBe(0);
    const [heading, row] = context.stdout.text.trimEnd().split('\n');
    expect(heading).toMatch(/^GAME\s+STATE\s+MAP\s+PLAYERS\s+TIME\s+VIEWERS\s+WATCH$/);
    expect(row).toMatch(
      /^42\s+live\s+scmp_016\s+MazorNoob, dragonite\s+03:13\s+0\s+http:\/\/127\.0\.0\.1:\d+\/api\/v1\/games\/42\/stream$/,
    );
  });

  it('shows the countdown of a waiting game and the download of an ended one', () => {
    const base = {
      started_at: '2026-01-01T00:00:00.000Z',
      delay_s: 300,
      writers: 1,
      readers: 2,
      bytes: 0,
      ticks: 0,
      game_time_s: 0,
      map: null,
      title: null,
      players: [],
    };
    const text = renderGames(
      [
        {
          ...base,
          id: '1',
          state: 'waiting',
          watchable_from: '2026-01-01T00:05:00.000Z',
          stream_url: '/api/v1/games/1/stream',
          download_url: null,
        },
        {
          ...base,
          id: '2',
          state: 'ended',
          watchable_from: null,
          stream_url: '/api/v1/games/2/stream',
          download_url: '/api/v1/replays/2',
        },
      ],
      new URL('http://host:15002/api/v1/games'),
      Date.parse('2026-01-01T00:04:00.000Z'),
    );
    expect(text.split('\n').slice(1)).toEqual([
      '1     waiting  -    -        00:00  2        in 60 s: http://host:15002/api/v1/games/1/stream',
      '2     ended    -    -        00:00  2        http://host:15002/api/v1/replays/2',
    ]);
  });
});
