import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, fixtureFacts } from '@faf-replay/fixtures';
import { HttpApiServer } from './http-api-server.js';
import { VaultDownloads } from './replay-downloads.js';
import { RealTimeService, systemClock, tempVaultPath } from './testing/index.js';

const CHROMIUM = '/usr/bin/chromium';
const example = fixture(fixtureFacts.example.file);
const headerBytes = fixtureFacts.example.headerBytes;
const half = headerBytes + Math.floor((example.length - headerBytes) / 2);

let browser: Browser;
beforeAll(async () => {
  // Fails loudly where chromium is missing: `.ci/run` installs Debian's package.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser.close();
});

function statusOf(page: Page, gameId: string): Promise<string> {
  return page.locator(`tr[data-game-id="${gameId}"] .status`).innerText();
}

/** Waits until the text of `selector` satisfies `test` (the page updates over SSE). */
async function waitForText(
  page: Page,
  selector: string,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<string> {
  await page.waitForFunction(
    ({ selector: s, source }) => new RegExp(source).test(document.querySelector(s)?.textContent ?? ''),
    { selector, source: pattern.source },
    { timeout: timeoutMs, polling: 100 },
  );
  return page.locator(selector).innerText();
}

describe('the live-games page in Chromium', () => {
  it('lists a game, counts down to watchable, follows its game time, and links its download', async () => {
    // TIMELINE (real time; delay 4 s, update interval 200 ms, grace 500 ms)
    // t=0     the writer of game 30 sends the header and half the body: listed, counting down
    // t≈4     watchable: live, with map, players and a game time
    // then    the rest of the body: the game time grows; the writer leaves
    // t≈5     saved to the temp vault: ended, with its download link
    const live = await RealTimeService.start({ delayMs: 4_000, updateIntervalMs: 200, graceMs: 500 });
    const server = new HttpApiServer({
      host: '127.0.0.1',
      port: 0,
      directory: live.service.directory,
      downloads: new VaultDownloads({ vaultRoot: live.vaultRoot, replayPath: tempVaultPath }),
      clock: systemClock,
      pollIntervalMs: 200,
      watchAddress: 'replay.example.org:15000',
    });
    const page = await browser.newPage();
    try {
      const { port } = await server.listen();
      await page.goto(`http://127.0.0.1:${port}/`);
      await waitForText(page, '#connection', /Connected/);
      const writer = live.writer(30n);
      writer.client.send(example.subarray(0, half));

      const row = 'tr[data-game-id="30"]';
      const first = await waitForText(page, `${row} .status`, /Watchable in 0:0[1-4]/);
      const firstS = Number(first.slice(-1));
      const later = await waitForText(
        page,
        `${row} .status`,
        new RegExp(`Watchable in 0:0[0-${firstS - 1}]`),
      );
      expect(Number(later.slice(-1))).toBeLessThan(firstS);
      expect(await page.locator(`${row} .watch`).innerText()).toContain(
        'gpgnet://replay.example.org:15000/30/live.SCFAreplay',
      );

      await waitForText(page, `${row} .status`, /^Live$/);
      expect(await page.locator(`${row} .map`).innerText()).toBe('scmp_016');
      expect(await page.locator(`${row} .players`).innerText()).toContain('MazorNoob');
      const gameTime = await waitForText(page, `${row} .game-time`, /^\d+:\d\d$/);
      writer.client.send(example.subarray(half));
      writer.client.close();
      const laterTime = await waitForText(page, `${row} .game-time`, new RegExp(`^(?!${gameTime}$)`));
      expect(seconds(laterTime)).toBeGreaterThan(seconds(gameTime));

      const link = page.locator(`${row} .watch a`);
      await link.waitFor({ timeout: 20_000 });
      expect(await link.getAttribute('href')).toBe('/api/v1/replays/30');
      expect(await statusOf(page, '30')).toBe('Ended');
      await page.locator('#replays a').first().waitFor({ timeout: 20_000 });
      const download = await fetch(`http://127.0.0.1:${port}/api/v1/replays/30`);
      expect(download.status).toBe(200);
      expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(example.length);
      expect(await page.locator('table#games thead th').count()).toBe(7);
    } finally {
      await page.close();
      await server.close();
      await live.close();
    }
  }, 60_000);
});

function seconds(clock: string): number {
  return clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}
