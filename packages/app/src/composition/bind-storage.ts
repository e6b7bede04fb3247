import { FileReplayLogStore, FileReplaySpool, VaultArchive } from '@faf-replay/adapter-fs';
import type { Config } from '../config/config-schema.js';
import type { Composition } from './composition.js';
import { ms } from './milliseconds.js';
import { tokens } from './tokens.js';

/** The vault, the spool, and where live games' bytes live (files under storage.live_path, or memory). */
export function bindStorage(composition: Composition, config: Config): void {
  const { storage } = config;
  const ioTimeoutMs = ms(storage.io_timeout_s);
  composition.bind(
    tokens.archive,
    () =>
      new VaultArchive({
        vaultRoot: storage.vault_path,
        compressionLevel: storage.compression_level,
        maxConcurrentSaves: storage.max_concurrent_saves,
        ioTimeoutMs,
      }),
  );
  composition.bind(tokens.spool, () => new FileReplaySpool({ spoolDir: storage.spool_path, ioTimeoutMs }));
  composition.bind(tokens.logStore, (resolve) => {
    if (storage.live_path === null) return undefined;
    const logger = resolve(tokens.logger);
    const events = resolve(tokens.events);
    return new FileReplayLogStore({
      livePath: storage.live_path,
      fsyncIntervalMs: ms(storage.fsync_interval_s),
      ioTimeoutMs,
      ownerStaleMs: ms(storage.live_owner_stale_s),
      onHeartbeatFault: (error) => {
        events.liveLogFault('heartbeat');
        logger.error(
          { err: error },
          `The live path's heartbeat failed: ${error.message}; peers may take over these games`,
        );
      },
      onFault: (gameId, error) => {
        events.liveLogFault(error.fault);
        logger.error(
          { replayId: String(gameId), err: error, fault: error.fault },
          `The live log of replay ${gameId} failed (${error.fault}): ${error.message}; the game goes on in memory`,
        );
      },
    });
  });
}
