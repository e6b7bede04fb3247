import { Readable } from 'node:stream';
import type { FinishedReplay, GameId, ReplayMetadata } from '@faf-replay/core';

/** The metadata the FAF test database gives game 2000 (the Rust integration test's game). */
export function game2000Metadata(overrides: Partial<ReplayMetadata> = {}): ReplayMetadata {
  return {
    gameId: 2000n,
    featuredMod: 'faf',
    featuredModVersions: new Map([
      ['41', 3659],
      ['42', 3659],
      ['43', 3656],
    ]),
    gameEndS: 1_262_480_400,
    gameType: 'DEMORALIZATION',
    host: 'user1',
    launchedAtS: 1_262_476_800,
    mapName: 'scmp_001',
    numPlayers: 1,
    recorder: 'user1',
    teams: new Map([['1', ['user1']]]),
    title: 'Game for integration test 1',
    origin: 'faf-database',
    ...overrides,
  };
}

/**
 * A finished replay of game `gameId` whose stream is `stream`, split into a header of
 * `headerBytes` and a body delivered in chunks of at most `chunkBytes`.
 */
export function finishedReplayOf(
  gameId: GameId,
  stream: Uint8Array,
  options: {
    headerBytes: number;
    chunkBytes?: number;
    ticks?: number | null;
    metadata?: Partial<ReplayMetadata>;
  },
): FinishedReplay {
  const chunkBytes = options.chunkBytes ?? 4096;
  const body: Uint8Array[] = [];
  for (let offset = options.headerBytes; offset < stream.length; offset += chunkBytes) {
    body.push(stream.subarray(offset, Math.min(offset + chunkBytes, stream.length)));
  }
  return {
    gameId,
    metadata: game2000Metadata({ gameId, ...options.metadata }),
    scfaHeader: stream.subarray(0, options.headerBytes),
    body: () => Readable.from(body),
    bodyLength: Math.max(0, stream.length - options.headerBytes),
    ticks: options.ticks ?? null,
  };
}

/** The whole stream of a replay, header and body, read from its `body()`. */
export async function streamOf(replay: Pick<FinishedReplay, 'scfaHeader' | 'body'>): Promise<Buffer> {
  const chunks: Uint8Array[] = [replay.scfaHeader];
  for await (const chunk of replay.body()) chunks.push(chunk);
  return Buffer.concat(chunks);
}
