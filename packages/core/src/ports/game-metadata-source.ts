import type { GameId } from '../game-id.js';
import type { ReplayMetadata } from './replay-metadata.js';

/** What the replay itself knows about its game when it ends. */
export interface GameFacts {
  readonly gameId: GameId;
  /** The canonical SCFA header bytes. */
  readonly scfaHeader: Uint8Array;
  /** When the first writer arrived (ms since the epoch). */
  readonly startedAtMs: number;
  /** When the write phase ended (ms since the epoch). */
  readonly endedAtMs: number;
  /** The name from the first writer's connection header, e.g. `Player.SCFAreplay`. */
  readonly firstWriterName: string;
}

/** Where the JSON header's content comes from: the FAF database, or the SCFA header alone. */
export interface GameMetadataSource {
  /**
   * Describes the game. Throws a `MetadataUnavailableError` (with the fault as `cause`) when it
   * cannot; the caller then falls back to what the SCFA header says.
   */
  describe(facts: GameFacts): Promise<ReplayMetadata>;
}
