import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pacedStream, parseServerAddress, playGame } from '@faf-replay/client';
import { fixture, fixtureFacts, firstDifference, waitForFile } from '@faf-replay/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessServer } from './testing/in-process-server.js';
import type { InProcessServer } from './testing/in-process-server.js';
import { capturedContext } from './testing/captured-output.js';
import { watchCommand } from './watch-command.js';

const example = fixture(fixtureFacts.example.file);
const exampleReplay = pacedStream(example);

let running: InProcessServer;
beforeAll(async () => {
  running = await startInProcessServer();
});
afterAll(async () => {
  await running.server.stop();
});

function outputPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'faf-watch-')), 'watched.scfareplay');
}

function playExample(gameId: bigint, speed: number): Promise<unknown> {
  return playGame(parseServerAddress(running.tcpAddress), {
    gameId,
    name: 'w',
    replay: exampleReplay,
    speed,
  });
}

/** A fake server that answers every connection with `respond` (which should wait for the header). */
async function fakeServer(respond: (socket: Socket) => void): Promise<{ server: Server; address: string }> {
  const server = createServer(respond);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('faf-replay watch', () => {
  it('saves exactly what the writer sent, waiting for the game to start, and exits 0 when the server ends it', async () => {
    const out = outputPath();
    const context = capturedContext();
    const watching = watchCommand(
      [running.tcpAddress, '9300', '-o', out, '--wait', '10', '--quiet'],
      context,
    );
    const writer = playExample(9300n, 100);
    const [code] = await Promise.all([watching, writer]);
    expect({ code, stderr: context.stderr.text }).toEqual({ code: 0, stderr: '' });
    const saved = readFileSync(out);
    expect(firstDifference(saved, example)).toBe(-1);
    expect(context.stdout.text).toContain(`saved ${out}: 43,544 bytes (SCFA header 1,966, body 41,578)`);
    expect(context.stdout.text).toContain('1,928 ticks, 3 min 13 s of game time; ends with EndGame');
  });

  it('watches over WebSocket with a ws:// address', async () => {
    const overWebSocket = await startInProcessServer(['--server.websocket_port=0']);
    try {
      const address = overWebSocket.websocketAddress ?? '';
      const out = outputPath();
      const context = capturedContext();
      const writer = playGame(parseServerAddress(overWebSocket.tcpAddress), {
        gameId: 9302n,
        replay: exampleReplay,
        speed: 200,
      });
      const code = await watchCommand([address, '9302', '-o', out, '--wait', '5', '--quiet'], context);
      await writer;
      expect({ code, stderr: context.stderr.text }).toEqual({ code: 0, stderr: '' });
      expect(firstDifference(readFileSync(out), example)).toBe(-1);
      expect(address).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await overWebSocket.server.stop();
    }
  });

  it('shows bytes, ticks and game time on one redrawn line on a terminal', async () => {
    const out = outputPath();
    const context = capturedContext();
    const stderr = Object.assign(context.stderr, { isTTY: true });
    const writer = playExample(9301n, 200);
    const code = await watchCommand([running.tcpAddress, '9301', '-o', out, '--wait', '5'], {
      ...context,
      stderr,
    });
    await writer;
    expect(code).toBe(0);
    const lastDraw = stderr.text.split('\r').at(-1) ?? '';
    expect(lastDraw).toMatch(/^game 9301 @ 127\.0\.0\.1:\d+: [\d.]+ KB, 1,928 ticks, game time 03:13/);
    expect(lastDraw.endsWith('\u001b[K\n')).toBe(true);
  });

  it('exits 1 and leaves no file when the game is not running', async () => {
    const out = outputPath();
    const context = capturedContext();
    expect(await watchCommand([running.tcpAddress, '42', '-o', out, '--quiet'], context)).toBe(1);
    expect(context.stderr.text).toContain(
      `the server sent nothing: game 42 is not running on ${running.tcpAddress}`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 and leaves no file when the server cannot be reached', async () => {
    const { server, address } = await fakeServer(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    const out = outputPath();
    const context = capturedContext();
    expect(await watchCommand([address, '1', '-o', out], context)).toBe(1);
    expect(context.stderr.text).toContain(
      `faf-replay watch: cannot connect to ${address}: connection refused`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('exits 1 and leaves no file when the server cuts the connection before any byte', async () => {
    const { server, address } = await fakeServer((socket) => {
      socket.once('data', () => socket.resetAndDestroy());
    });
    const out = outputPath();
    const context = capturedContext();
    expect(await watchCommand([address, '1', '-o', out, '--quiet'], context)).toBe(1);
    await new Promise((resolve) => server.close(resolve));
    expect(context.stderr.text).toBe(
      'faf-replay watch: the connection broke before any byte came (the connection was reset); no file written\n',
    );
    expect([context.stdout.text, existsSync(out)]).toEqual(['', false]);
  });

  it('leaves an existing file whole under --force when the game is not running', async () => {
    const out = outputPath();
    writeFileSync(out, 'mine');
    const context = capturedContext();
    expect(await watchCommand([running.tcpAddress, '43', '-o', out, '--force', '--quiet'], context)).toBe(1);
    expect(context.stderr.text).toContain('the server sent nothing: game 43 is not running');
    expect(readFileSync(out, 'utf8')).toBe('mine');
  });

  it('exits 1 and keeps what came, saying so, when the connection breaks', async () => {
    const { server, address } = await fakeServer((socket) => {
      socket.once('data', () => socket.write(example.subarray(0, 5_000), () => socket.resetAndDestroy()));
    });
    const out = outputPath();
    const context = capturedContext();
    expect(await watchCommand([address, '1', '-o', out, '--quiet'], context)).toBe(1);
    await new Promise((resolve) => server.close(resolve));
    expect(context.stderr.text).toBe(
      'faf-replay watch: the connection broke (the connection was reset); ' +
        `kept the 5,000 bytes that came in ${out}\n`,
    );
    expect(context.stdout.text).toContain(`saved ${out}: 5,000 bytes`);
    expect(readFileSync(out).length).toBe(5_000);
  });

  it('stops reading at a failed write, says what failed, and leaves a device in place', async () => {
    // The fake server never closes: only the failed write can end the watch.
    const { server, address } = await fakeServer((socket) => {
      socket.once('data', () => socket.write(example.subarray(0, 3_000)));
    });
    const context = capturedContext();
    expect(await watchCommand([address, '1', '-o', '/dev/full', '--force', '--quiet'], context)).toBe(1);
    server.close();
    expect(context.stderr.text).toMatch(/^faf-replay watch: cannot write \/dev\/full: .*ENOSPC/);
    expect(existsSync('/dev/full')).toBe(true);
  });

  it('stops on Ctrl-C with exit 130, keeping what came', async () => {
    const { server, address } = await fakeServer((socket) => {
      socket.once('data', () => socket.write(example.subarray(0, 3_000)));
    });
    const out = outputPath();
    const interrupt = new AbortController();
    const context = capturedContext({ signal: interrupt.signal });
    const watching = watchCommand([address, '1', '-o', out, '--quiet'], context);
    await waitForFile(out, { until: (bytes) => bytes.length >= 3_000, timeoutMs: 5_000 });
    interrupt.abort();
    expect(await watching).toBe(130);
    server.close();
    expect(context.stdout.text).toContain(`saved ${out}: 3,000 bytes`);
  });

  it('stops on Ctrl-C before any byte with exit 130, leaving no file', async () => {
    let connected: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => (connected = resolve));
    const { server, address } = await fakeServer((socket) => socket.once('data', connected));
    const out = outputPath();
    const interrupt = new AbortController();
    const context = capturedContext({ signal: interrupt.signal });
    const watching = watchCommand([address, '1', '-o', out, '--quiet'], context);
    await reading;
    interrupt.abort();
    expect(await watching).toBe(130);
    server.close();
    expect(context.stderr.text).toBe('faf-replay watch: interrupted before any byte came; no file written\n');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an output directory that does not exist before connecting', async () => {
    const out = join(outputPath(), 'missing', 'watched.scfareplay');
    const context = capturedContext();
    expect(await watchCommand(['127.0.0.1:1', '1', '-o', out], context)).toBe(1);
    expect(context.stderr.text).toBe(
      `faf-replay watch: cannot write ${out}: no such directory ${join(out, '..')}\n`,
    );
  });

  it('refuses to overwrite, and bad arguments', async () => {
    const out = outputPath();
    writeFileSync(out, 'mine');
    const context = capturedContext();
    expect(await watchCommand([running.tcpAddress, '1', '-o', out], context)).toBe(1);
    expect(context.stderr.text).toContain('the file exists (use --force to overwrite)');
    expect(readFileSync(out, 'utf8')).toBe('mine');
    for (const argv of [
      ['x', '1', '-o', out],
      [running.tcpAddress, 'abc', '-o', out],
      [running.tcpAddress, '1'],
      ['--wait', 'x'],
    ]) {
      expect(await watchCommand(argv, capturedContext())).toBe(2);
    }
  });
});
