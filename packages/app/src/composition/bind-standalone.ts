import { LocalStatsIndex } from '@faf-replay/adapter-fs';
import { admitEveryGame } from '@faf-replay/core';
import type { Config } from '../config/config-schema.js';
import type { Composition } from './composition.js';
import { ms } from './milliseconds.js';
import { tokens } from './tokens.js';

/** Standalone: metadata from the SCFA header, stats in the vault's `replay-index.jsonl`. */
export function bindStandalone(composition: Composition, config: Config): void {
  composition.bind(tokens.mode, () => {
    const index = new LocalStatsIndex({
      vaultRoot: config.storage.vault_path,
      ioTimeoutMs: ms(config.storage.io_timeout_s),
    });
    return {
      metadata: undefined,
      stats: index,
      admission: admitEveryGame,
      start: () => Promise.resolve(),
      close: () => index.close(),
    };
  });
}
