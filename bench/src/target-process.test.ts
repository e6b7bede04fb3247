import { describe, expect, it } from 'vitest';
import { fixtureFacts, fixturePath } from '@faf-replay/fixtures';
import { LoadGenerator } from './load-generator.ts';
import { gameStream, loadReplaySource } from './replay-source.ts';
import { checkSavedFiles } from './saved-files.ts';
import { TargetProcess } from './target-process.ts';
import { TargetSampler } from './target-sampler.ts';

const stream = gameStream(loadReplaySource(fixturePath(fixtureFacts.example.file)), 0, 200);

async function drive(target: TargetProcess, serverDelayMs: number) {
  const generator = new LoadGenerator({
    port: target.tcpPort,
    writersPerGame: 2,
    readersPerGame: 2,
    speedUp: 20,
    readerDelayMs: 300,
    serverDelayMs,
  });
  const specs = [{ gameId: 424_242, stream }];
  generator.addGames(specs, 0);
  expect(await generator.idle(20_000)).toBe(true);
  return { summary: generator.summary(), specs };
}

describe('the processes under test', () => {
  it('runs the baseline relay as its own process', async () => {
    const relay = await TargetProcess.startRelay();
    try {
      expect(relay.metricsPort).toBeUndefined();
      const { summary } = await drive(relay, 0);
      expect(summary).toMatchObject({ readers: 2, readersComplete: 2 });
    } finally {
      expect(await relay.stop()).toBe(0);
      relay.removeData();
    }
  });

  it('runs the built server as production does, samples it, and finds its saved file', async () => {
    const server = await TargetProcess.startServer({ delayS: 1, graceS: 1, lingerS: 0.1 });
    try {
      const sampler = new TargetSampler(server, 1_000);
      const before = await sampler.sample();
      const { summary, specs } = await drive(server, 1_000);
      expect(summary).toMatchObject({ readers: 2, readersComplete: 2, readersCorrupt: 0 });
      const check = await checkSavedFiles(server.vaultPath ?? '', specs);
      expect(check).toMatchObject({ ok: 1, checked: 1 });
      const after = await sampler.sample();
      expect(after.cpuMs).toBeGreaterThan(before.cpuMs);
      expect(after.receivedBytes - before.receivedBytes).toBe(2 * stream.bytes.length);
      expect(after.loopP99Ms).toBeGreaterThan(0);
      expect(server.problems).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
      server.removeData();
    }
  });
});
