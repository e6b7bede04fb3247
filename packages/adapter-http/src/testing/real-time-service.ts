import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockPool, createReplayService, defaultReplaySettings } from '@faf-replay/core';
import type { ReplayService, ReplaySettings } from '@faf-replay/core';
import {
  InMemorySpool,
  InMemoryStatsSink,
  PipeConnection,
  RecordingEvents,
  RecordingLogger,
} from '@faf-replay/core/testing';
import { systemClock } from './system-clock.js';
import { TempVaultArchive } from './temp-vault-archive.js';

/**
 * The core on the real clock with a vault in a temp directory: for the browser test and the
 * bench, where a page or many viewers watch a game in real time. Writers are pipe connections.
 */
export class RealTimeService {
  readonly service: ReplayService;
  readonly vaultRoot: string;
  readonly archive: TempVaultArchive;
  #nextConnection = 0;

  private constructor(vaultRoot: string, settings: ReplaySettings) {
    this.vaultRoot = vaultRoot;
    this.archive = new TempVaultArchive(vaultRoot);
    this.service = createReplayService(
      {
        clock: systemClock,
        logger: new RecordingLogger(),
        events: new RecordingEvents(),
        archive: this.archive,
        spool: new InMemorySpool(),
        stats: new InMemoryStatsSink(),
        blockPool: new BlockPool({ poison: true }),
      },
      {
        replay: settings,
        headerTimeoutMs: 60_000,
        rememberedEndedReplays: 100,
        spoolRetryMs: 60_000,
      },
    );
  }

  static async start(settings: Partial<ReplaySettings>): Promise<RealTimeService> {
    const vaultRoot = await mkdtemp(join(tmpdir(), 'faf-http-live-'));
    return new RealTimeService(vaultRoot, { ...defaultReplaySettings, ...settings });
  }

  /** A writer of game `gameId`: send its stream with `writer.client.send`, end it with `close`. */
  writer(gameId: bigint, name = 'player'): PipeConnection {
    const connection = new PipeConnection(`writer${this.#nextConnection++}`);
    connection.client.send(`P/${gameId}/${name}\0`);
    void this.service.handleConnection(connection);
    return connection;
  }

  async close(): Promise<void> {
    await this.service.shutdown();
    await rm(this.vaultRoot, { recursive: true, force: true });
  }
}
