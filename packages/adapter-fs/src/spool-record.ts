import type { FinishedReplay, ReplayMetadata } from '@faf-replay/core';

/**
 * One spooled replay as a file: a JSON line that describes it (bigints as decimal strings, Maps
 * as arrays of entries, byte lengths), `\n`, then the SCFA header and body bytes as they were.
 * Self-describing, so that an operator can inspect a stuck replay with `head -1`.
 */
export const SPOOL_FORMAT = 'faf-replay-spool';
const SPOOL_VERSION = 1;

export interface SpoolRecord {
  readonly replay: FinishedReplay;
  readonly keptAtMs: number;
}

export function encodeSpoolRecord(replay: FinishedReplay, keptAtMs: number): Uint8Array[] {
  const bodyBytes = replay.body.reduce((sum, chunk) => sum + chunk.length, 0);
  const description = {
    format: SPOOL_FORMAT,
    version: SPOOL_VERSION,
    gameId: replay.gameId.toString(),
    keptAtMs,
    ticks: replay.ticks,
    scfaHeaderBytes: replay.scfaHeader.length,
    bodyBytes,
    metadata: encodeMetadata(replay.metadata),
  };
  return [Buffer.from(`${JSON.stringify(description)}\n`), replay.scfaHeader, ...replay.body];
}

function encodeMetadata(metadata: ReplayMetadata): Record<string, unknown> {
  return {
    ...metadata,
    gameId: metadata.gameId.toString(),
    featuredModVersions: [...metadata.featuredModVersions],
    teams: [...metadata.teams],
  };
}

/** Throws a `TypeError` naming the first thing that does not fit (a `SyntaxError` for broken JSON). */
export function decodeSpoolRecord(bytes: Uint8Array): SpoolRecord {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) throw new TypeError('no description line');
  const description = objectOf(
    JSON.parse(Buffer.from(bytes.subarray(0, newline)).toString('utf8')),
    'description',
  );
  if (description['format'] !== SPOOL_FORMAT || description['version'] !== SPOOL_VERSION) {
    throw new TypeError(`not a ${SPOOL_FORMAT} version ${SPOOL_VERSION} file`);
  }
  const headerBytes = integerOf(description, 'scfaHeaderBytes');
  const data = bytes.subarray(newline + 1);
  if (data.length !== headerBytes + integerOf(description, 'bodyBytes'))
    throw new TypeError('truncated data');
  const ticks = description['ticks'] === null ? null : integerOf(description, 'ticks');
  const replay: FinishedReplay = {
    gameId: bigintOf(description, 'gameId'),
    metadata: decodeMetadata(objectOf(description['metadata'], 'metadata')),
    scfaHeader: data.subarray(0, headerBytes),
    body: [data.subarray(headerBytes)],
    ticks,
  };
  return { replay, keptAtMs: integerOf(description, 'keptAtMs') };
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
