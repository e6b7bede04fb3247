import type { ReplayMetadata } from '@faf-replay/core';

/**
 * The `.fafreplay` JSON line of the Rust server byte for byte (spec §7.6), without its `\n`:
 * compact, raw UTF-8, fixed key order, map keys sorted as strings. It is built by hand because a
 * JS object would print integer-like keys ("2" before "10") in numeric order.
 *
 * A header derived from the SCFA header alone (no database) gets one extra trailing key,
 * `"metadata_origin":"scfa-header"`, so that operators can tell such files apart; the FAF clients
 * parse the header by key and ignore keys they do not know.
 */
export function encodeJsonHeader(metadata: ReplayMetadata): string {
  const fields: [string, string][] = [
    ['complete', 'true'],
    ['featured_mod', JSON.stringify(metadata.featuredMod)],
    [
      'featured_mod_versions',
      sortedObject(metadata.featuredModVersions, (v) => integer('featuredModVersions', v)),
    ],
    ['game_end', integer('gameEndS', metadata.gameEndS)],
    ['game_type', JSON.stringify(metadata.gameType)],
    ['host', JSON.stringify(metadata.host)],
    ['launched_at', integer('launchedAtS', metadata.launchedAtS)],
    ['mapname', JSON.stringify(metadata.mapName)],
    ['num_players', integer('numPlayers', metadata.numPlayers)],
    ['recorder', JSON.stringify(metadata.recorder)],
    ['state', '"PLAYING"'],
    ['teams', sortedObject(metadata.teams, (logins) => JSON.stringify(logins))],
    ['title', JSON.stringify(metadata.title)],
    ['uid', metadata.gameId.toString()],
    ['compression', '"zstd"'],
    ['version', '2'],
  ];
  if (metadata.origin === 'scfa-header') fields.push(['metadata_origin', '"scfa-header"']);
  return objectOf(fields);
}

function objectOf(fields: readonly (readonly [string, string])[]): string {
  return `{${fields.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** Rust's BTreeMap<String, _> order: by UTF-8 bytes, which is code point order. */
function sortedObject<V>(map: ReadonlyMap<string, V>, encode: (value: V) => string): string {
  const entries = [...map].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return objectOf(entries.map(([key, value]) => [key, encode(value)] as const));
}

/** The Rust server writes integers only; a fraction here is a bug upstream, not a value to round. */
function integer(field: string, value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field} must be a safe integer, got ${value}`);
  return value.toString();
}
