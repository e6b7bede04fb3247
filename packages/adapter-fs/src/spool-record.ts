import type { FinishedReplay, GameId, ReplayMetadata } from '@faf-replay/core';

/**
 * One spooled replay as a file: a JSON line that describes it (bigints as decimal strings, Maps
 * as arrays of entries, byte lengths), `\n`, then the SCFA header and body bytes as they were.
 * Self-describing, so that an operator can inspect a stuck replay with `head -1`, and readable
 * from its first line alone: the bytes are streamed, never read whole.
 */
export const SPOOL_FORMAT = 'faf-replay-spool';
const SPOOL_VERSION = 1;

/** What a spool file's first line says: everything but the bytes that follow it. */
export interface SpoolDescription {
  readonly gameId: GameId;
  readonly keptAtMs: number;
  readonly ticks: number | null;
  readonly metadata: ReplayMetadata;
  readonly scfaHeaderBytes: number;
  readonly bodyBytes: number;
}

/** The first line of the replay's spool file, with its `\n`. */
export function encodeSpoolDescription(replay: FinishedReplay, keptAtMs: number): Buffer {
  const description = {
    format: SPOOL_FORMAT,
    version: SPOOL_VERSION,
    gameId: replay.gameId.toString(),
    keptAtMs,
    ticks: replay.ticks,
    scfaHeaderBytes: replay.scfaHeader.length,
    bodyBytes: replay.bodyLength,
    metadata: encodeMetadata(replay.metadata),
  };
  return Buffer.from(`${JSON.stringify(description)}\n`);
}

function encodeMetadata(metadata: ReplayMetadata): Record<string, unknown> {
  return {
    ...metadata,
    gameId: metadata.gameId.toString(),
    featuredModVersions: [...metadata.featuredModVersions],
    teams: [...metadata.teams],
  };
}

/**
 * Decodes a first line (without its `\n`). Throws a `TypeError` naming the first thing that does
 * not fit (a `SyntaxError` for broken JSON).
 */
export function decodeSpoolDescription(line: Uint8Array): SpoolDescription {
  const description = objectOf(JSON.parse(Buffer.from(line).toString('utf8')), 'description');
  if (description['format'] !== SPOOL_FORMAT || description['version'] !== SPOOL_VERSION) {
    throw new TypeError(`not a ${SPOOL_FORMAT} version ${SPOOL_VERSION} file`);
  }
  return {
    gameId: bigintOf(description, 'gameId'),
    keptAtMs: integerOf(description, 'keptAtMs'),
    ticks: description['ticks'] === null ? null : integerOf(description, 'ticks'),
    metadata: decodeMetadata(objectOf(description['metadata'], 'metadata')),
    scfaHeaderBytes: integerOf(description, 'scfaHeaderBytes'),
    bodyBytes: integerOf(description, 'bodyBytes'),
  };
}

function decodeMetadata(m: Record<string, unknown>): ReplayMetadata {
  const origin = m['origin'];
  if (origin !== 'faf-database' && origin !== 'scfa-header')
    throw new TypeError('metadata.origin is unknown');
  return {
    gameId: bigintOf(m, 'gameId'),
    featuredMod: m['featuredMod'] === null ? null : stringOf(m, 'featuredMod'),
    featuredModVersions: new Map(entriesOf<number>(m, 'featuredModVersions', Number.isSafeInteger)),
    gameEndS: integerOf(m, 'gameEndS'),
    gameType: stringOf(m, 'gameType'),
    host: stringOf(m, 'host'),
    launchedAtS: integerOf(m, 'launchedAtS'),
    mapName: stringOf(m, 'mapName'),
    numPlayers: integerOf(m, 'numPlayers'),
    recorder: stringOf(m, 'recorder'),
    teams: new Map(
      entriesOf<string[]>(m, 'teams', (v) => Array.isArray(v) && v.every((x) => typeof x === 'string')),
    ),
    title: stringOf(m, 'title'),
    origin,
  };
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function stringOf(o: Record<string, unknown>, key: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new TypeError(`${key} is not a string`);
  return value;
}

function integerOf(o: Record<string, unknown>, key: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(`${key} is not an integer`);
  return value;
}

function bigintOf(o: Record<string, unknown>, key: string): bigint {
  const text = stringOf(o, key);
  if (!/^\d+$/.test(text)) throw new TypeError(`${key} is not a decimal id`);
  return BigInt(text);
}

function entriesOf<V>(
  o: Record<string, unknown>,
  key: string,
  isValue: (value: unknown) => boolean,
): [string, V][] {
  const value = o[key];
  const isEntry = (e: unknown) =>
    Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && isValue(e[1]);
  if (!Array.isArray(value) || !value.every(isEntry)) throw new TypeError(`${key} is not a list of entries`);
  return value as [string, V][];
}
