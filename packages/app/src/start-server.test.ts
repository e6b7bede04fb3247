import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFafReplay, vaultReplayPath } from '@faf-replay/adapter-fs';
import { fixture, fixtureFacts, firstDifference, waitForFile } from '@faf-replay/fixtures';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config/load-config.js';
import { startServer } from './start-server.js';

const example = fixture(fixtureFacts.example.file);

/** A game's writer over raw TCP: the connection header, the whole stream, a clean end. */
function writeGame(port: number, gameId: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(`P/${gameId}/player.SCFAreplay\0`);
      socket.end(example);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
}

describe('the composition root', () => {
  it('starts every part in-process, serves a game through them, and stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faf-app-'));
    const config = loadConfig(
      [
        '--server.port=0',
        '--server.websocket_port=0',
        '--server.prometheus_port=0',
        '--server.http_port=0',
        '--server.host=127.0.0.1',
        `--storage.vault_path=${join(dir, 'vault')}`,
        '--replay.delay_s=0.2',
        '--replay.update_interval_s=0.1',
        '--replay.time_with_zero_writers_to_end_replay_s=0.2',
      ],
      {},
    );
    const server = await startServer(config, { logger: pino({ level: 'silent' }) });
    const { tcp, websocket, http, metricsPort } = server.addresses;
    expect([tcp?.port, websocket?.port, http?.port, metricsPort].every((port) => (port ?? 0) > 0)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${metricsPort ?? 0}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${http?.port ?? 0}/api/v1/games`)).status).toBe(200);
    await writeGame(tcp?.port ?? 0, 77);
    const saved = await readFafReplay(await waitForFile(vaultReplayPath(join(dir, 'vault'), 77n)));
    expect(firstDifference(saved.replay, example)).toBe(-1);
    expect(await server.stop()).toEqual({ complete: true, unsavedReplays: 0 });
    const index = await readFile(join(dir, 'vault', 'replay-index.jsonl'), 'utf8');
    expect(index).toContain('"uid":"77","ticks":1928,"available":true');
  });
});
