import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFafReplay, vaultReplayPath } from '@faf-replay/adapter-fs';
import { fixture, fixtureFacts, fixturePath, firstDifference, waitForFile } from '@faf-replay/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCommand } from './simulate-command.js';
import { capturedContext } from './testing/captured-output.js';
import { startInProcessServer } from './testing/in-process-server.js';
import type { InProcessServer } from './testing/in-process-server.js';

const CLEAR_TO_END = '\u001b[K';
let running: InProcessServer;
beforeAll(async () => {
  running = await startInProcessServer();
});
afterAll(async () => {
  await running.server.stop();
});

async function simulate(
  argv: string[],
  options: { tty?: boolean; signal?: AbortSignal } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const context = capturedContext(options.signal === undefined ? {} : { signal: options.signal });
  Object.assign(context.stderr, { isTTY: options.tty === true });
  const code = await simulateCommand(['--server', running.tcpAddress, ...argv], context);
  return { code, stdout: context.stdout.text, stderr: context.stderr.text };
}

/** The server saves a replay as its readers get their last bytes: the file may come a moment later. */
async function savedReplay(gameId: bigint): Promise<Uint8Array> {
  const file = await waitForFile(vaultReplayPath(running.vaultPath, gameId), { timeoutMs: 5_000 });
  return (await readFafReplay(file)).replay;
}

describe('faf-replay simulate', () => {
  it('plays the example as 2 writers; 2 readers receive exactly what was sent; the server saves it', async () => {
    const result = await simulate([
      '--game',
      '9400',
      '--writers',
      '2',
      '--readers',
      '2',
      '--speed',
      'max',
      '--quiet',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^game\s+replay\s+writers\s+bytes sent\s+readers verified\s+time$/m);
    expect(result.stdout).toMatch(/^9400\s+example\.scfareplay\s+2\s+87,088\s+2\/2 OK\s+[\d.]+ s$/m);
    expect(result.stdout).toContain(
      'OK: 1 game, 2 writers sent 87,088 bytes, all 2 readers received what they should',
    );
    expect(result.stdout).toContain('The server saves game 9400 as <vault>/0/0/0/94/9400.fafreplay');
    expect(firstDifference(await savedReplay(9400n), fixture(fixtureFacts.example.file))).toBe(-1);
  });

  it('paces writers by ticks: at 200x, the 192.8 s example takes at least 0.96 s', async () => {
    const startedMs = performance.now();
    const result = await simulate([
      '--game',
      '9401',
      '--writers',
      '1',
      '--readers',
      '0',
      '--speed',
      '200',
      '--quiet',
    ]);
    expect(result.code).toBe(0);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(964);
    expect(result.stdout).toContain('no readers checked them');
  });

  it('plays several files as several games, and diverging streams mixed in one game', async () => {
    const diverging = [0, 1, 2, 3, 4, 5].map((i) => fixturePath(`diverging_1/${i}.scfareplay`));
    const games = await simulate([
      ...['--game', '9410-9411', '--writers', '1', '--speed', 'max', '--quiet'],
      ...[
        '--replay',
        fixturePath(fixtureFacts.example.file),
        '--replay',
        fixturePath(fixtureFacts.vault.file),
      ],
    ]);
    expect(games.code).toBe(0);
    expect(games.stdout).toMatch(/^9411\s+8653680\.fafreplay\s+1\s+5,591,255\s+1\/1 OK/m);
    const mixed = await simulate([
      ...['--game', '9420', '--writers', '6', '--mix', '--speed', '200', '--quiet'],
      ...diverging.flatMap((file) => ['--replay', file]),
    ]);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toMatch(
      /^9420\s+0\.scfareplay, 1\.scfareplay, .*5\.scfareplay\s+6\s+161,716\s+1\/1 OK/m,
    );
  });

  it('draws a progress bar on a terminal', async () => {
    const result = await simulate(['--game', '9430', '--writers', '1', '--speed', '100'], { tty: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `simulating game 9430 on ${running.tcpAddress}: 1 writer(s) and 1 reader(s) per game, at 100x`,
    );
    const redraws = result.stderr.split('\r').slice(1);
    expect(redraws[0]).toMatch(/^\[#*-*\] +\d+% {2}game time \d\d:\d\d\/03:13 {2}sent [\d.]+ KB\/43\.5 KB/);
    expect(redraws.at(-1)).toMatch(/^\[#{24}\] 100% {2}all sent/);
    expect(result.stderr.endsWith(`${CLEAR_TO_END}\n`)).toBe(true);
  });

  it('stops on Ctrl-C with exit 130 and a summary', async () => {
    const interrupt = new AbortController();
    // Ctrl-C once the game is on: its writer is then mid-stream (at real time it would take 3 min).
    void running.waitForLog('Replay 9440 started').then(() => interrupt.abort());
    const result = await simulate(['--game', '9440', '--speed', '1', '--quiet'], {
      signal: interrupt.signal,
    });
    expect(result.code).toBe(130);
    expect(result.stdout).toContain('game 9440 writer 1: interrupted');
  });

  it('exits 1 when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const context = capturedContext();
    expect(
      await simulateCommand(['--server', `127.0.0.1:${port}`, '--speed', 'max', '--quiet'], context),
    ).toBe(1);
    expect(context.stderr.text).toContain(
      `faf-replay simulate: cannot connect to 127.0.0.1:${port}: connection refused`,
    );
  });

  it.each([
    [['--writers', '0'], '--writers must be a whole number from 1'],
    [['--speed', '0'], '--speed must be a positive number'],
    [['--game', '5-3'], 'is not a usable range'],
    [['--game', '7', '--game', '7'], 'names a game twice'],
    [['--replay', '/nonexistent.scfareplay'], 'cannot read /nonexistent.scfareplay'],
    [['extra'], 'unexpected argument "extra"'],
  ])('refuses %j', async (argv, message) => {
    const result = await simulate(argv);
    expect(result.code).toBeGreaterThan(0);
    expect(result.stderr).toContain(message);
  });
});
