import type { GameId } from '../game-id.js';
import { MAX_GAME_ID } from '../game-id.js';
import { ProtocolUsageError } from './protocol-errors.js';

export type ConnectionRole = 'writer' | 'reader';

/** The first bytes of every connection: `P/<id>/<name>\0` (writer) or `G/<id>/<name>\0` (reader). */
export interface ConnectionHeader {
  readonly role: ConnectionRole;
  readonly gameId: GameId;
  /** Free UTF-8 text (usually `<player>.SCFAreplay`), only for logs; may be empty or contain `/`. */
  readonly name: string;
}

export type ConnectionHeaderRejectionCode =
  'bad-type' | 'no-terminator' | 'truncated' | 'no-slash' | 'bad-id' | 'bad-utf8';

export interface ConnectionHeaderRejection {
  readonly code: ConnectionHeaderRejectionCode;
  readonly message: string;
}

export type ConnectionHeaderStep =
  | { readonly status: 'need-more' }
  | { readonly status: 'complete'; readonly header: ConnectionHeader; readonly rest: Uint8Array }
  /** EOF after 0 or 1 byte: a lobby that never launched. Dropped silently, like the Rust server. */
  | { readonly status: 'empty' }
  | { readonly status: 'rejected'; readonly rejection: ConnectionHeaderRejection };

/** The id/name part after `P/` may take at most this many bytes, its NUL terminator included. */
export const CONNECTION_HEADER_LIMIT_BYTES = 1024;

const NEED_MORE: ConnectionHeaderStep = Object.freeze({ status: 'need-more' });
const EMPTY: ConnectionHeaderStep = Object.freeze({ status: 'empty' });
const SLASH = 0x2f;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Up to 15 decimal digits fit a double exactly, so the common id needs no bigint parsing. */
const MAX_SAFE_DIGITS = 15;
const nameDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a connection header from chunks of any size (even single bytes), without a timeout of its
 * own: the caller bounds the wait. Rules follow the Rust server, except that the id must be plain
 * ASCII digits (no `+`). After a step other than `need-more`, the reader must not be used again.
 */
export class ConnectionHeaderReader {
  #typeBytes = 0;
  #firstTypeByte = 0;
  #role: ConnectionRole | null = null;
  /** Id/name bytes of a header split across chunks; allocated only when one is. */
  #line: Uint8Array | null = null;
  #lineLength = 0;
  #finished = false;

  push(chunk: Uint8Array): ConnectionHeaderStep {
    this.#assertOpen();
    let offset = 0;
    if (this.#role === null) {
      offset = Math.min(2 - this.#typeBytes, chunk.length);
      if (offset === 0) return NEED_MORE;
      const typeStep = this.#readType(chunk, offset);
      if (typeStep !== null) return typeStep;
    }
    return this.#readLine(chunk, offset);
  }

  /** The end of the input, when the last push asked for more. */
  end(): ConnectionHeaderStep {
    this.#assertOpen();
    this.#finished = true;
    if (this.#role === null) return EMPTY;
    return rejected('truncated', 'Connection header is incomplete');
  }

  #readType(chunk: Uint8Array, typeByteCount: number): ConnectionHeaderStep | null {
    if (this.#typeBytes === 0) this.#firstTypeByte = chunk[0] ?? 0;
    this.#typeBytes += typeByteCount;
    if (this.#typeBytes < 2) return NEED_MORE;
    const slash = chunk[typeByteCount - 1];
    if (slash === SLASH && this.#firstTypeByte === 0x50) this.#role = 'writer';
    else if (slash === SLASH && this.#firstTypeByte === 0x47) this.#role = 'reader';
    else
      return this.#finish(
        rejected('bad-type', `Invalid connection type: ${hex(this.#firstTypeByte, slash)}`),
      );
    return null;
  }

  #readLine(chunk: Uint8Array, offset: number): ConnectionHeaderStep {
    const searchEnd = Math.min(chunk.length, offset + CONNECTION_HEADER_LIMIT_BYTES - this.#lineLength);
    const nul = chunk.subarray(offset, searchEnd).indexOf(0);
    if (nul === -1) return this.#keep(chunk.subarray(offset, searchEnd));
    const end = offset + nul;
    let line = chunk.subarray(offset, end);
    if (this.#line !== null) {
      this.#line.set(line, this.#lineLength);
      line = this.#line.subarray(0, this.#lineLength + line.length);
    }
    const role = this.#role ?? 'reader';
    return this.#finish(parseLine(role, line, chunk.subarray(end + 1)));
  }

  #keep(bytes: Uint8Array): ConnectionHeaderStep {
    if (bytes.length === 0) return NEED_MORE;
    this.#line ??= new Uint8Array(CONNECTION_HEADER_LIMIT_BYTES);
    this.#line.set(bytes, this.#lineLength);
    this.#lineLength += bytes.length;
    if (this.#lineLength < CONNECTION_HEADER_LIMIT_BYTES) return NEED_MORE;
    return this.#finish(rejected('no-terminator', 'Connection header is incomplete'));
  }

  #finish(step: ConnectionHeaderStep): ConnectionHeaderStep {
    this.#finished = true;
    this.#line = null;
    return step;
  }

  #assertOpen(): void {
    if (this.#finished) throw new ProtocolUsageError('ConnectionHeaderReader used after its final step');
  }
}

const REPLAY_SUFFIX = '.scfareplay';

/**
 * The player's login in a writer's connection name: the game sends `<login>.SCFAreplay`
 * (the client launches it with `/savereplay gpgnet://host:port/<id>/<login>.SCFAreplay`). The
 * suffix is matched case-insensitively, as the legacy server did; a name without it is returned
 * whole.
 */
export function playerNameOf(connectionName: string): string {
  const suffix = connectionName.slice(-REPLAY_SUFFIX.length);
  return suffix.toLowerCase() === REPLAY_SUFFIX
    ? connectionName.slice(0, -REPLAY_SUFFIX.length)
    : connectionName;
}

function parseLine(role: ConnectionRole, line: Uint8Array, rest: Uint8Array): ConnectionHeaderStep {
  const slash = line.indexOf(SLASH);
  if (slash === -1) return rejected('no-slash', 'Connection header has too few slashes: 1');
  const gameId = parseGameId(line.subarray(0, slash));
  if (gameId === null) return rejected('bad-id', 'Failed to parse replay ID');
  let name: string;
  try {
    name = nameDecoder.decode(line.subarray(slash + 1));
  } catch {
    return rejected('bad-utf8', 'Failed to decode connection name as UTF-8');
  }
  return { status: 'complete', header: Object.freeze({ role, gameId, name }), rest };
}

/** ASCII digits only, leading zeros allowed, at most 2^64 - 1; null otherwise. */
function parseGameId(digits: Uint8Array): GameId | null {
  if (digits.length === 0) return null;
  let value = 0;
  for (const byte of digits) {
    if (byte < DIGIT_0 || byte > DIGIT_9) return null;
    value = value * 10 + (byte - DIGIT_0);
  }
  if (digits.length <= MAX_SAFE_DIGITS) return BigInt(value);
  const id = BigInt(String.fromCharCode(...digits));
  return id <= MAX_GAME_ID ? id : null;
}

function rejected(code: ConnectionHeaderRejectionCode, message: string): ConnectionHeaderStep {
  return { status: 'rejected', rejection: { code, message } };
}

function hex(...bytes: readonly (number | undefined)[]): string {
  return `[${bytes.map((byte) => (byte ?? 0).toString(16)).join(', ')}]`;
}
