import type { GameAdmission, GameMetadataSource, GameStatsSink } from '@faf-replay/core';

/** What a mode (standalone or FAF) adds to the core: where metadata and stats come from and go. */
export interface ModeParts {
  /** The JSON header's source; undefined: the SCFA header itself. */
  readonly metadata: GameMetadataSource | undefined;
  readonly stats: GameStatsSink;
  readonly admission: GameAdmission;
  /** At start (the database check, resuming pending updates); never rejects. */
  start(): Promise<void>;
  /** At shutdown: flushes and closes what the mode opened. */
  close(): Promise<void>;
}
