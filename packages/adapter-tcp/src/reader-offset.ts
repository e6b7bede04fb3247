/** What a WebSocket upgrade URL says about where a reader starts. */
export type ReaderOffset =
  /** `readFrom` undefined: the URL names no offset, the reader starts at 0. */
  | { readonly ok: true; readonly readFrom: number | undefined }
  | { readonly ok: false; readonly reason: string };

/** Up to 16 digits (2^53 - 1 has 16): a longer text is refused before it is parsed. */
const offsetPattern = /^\d{1,16}$/;
const quotedTextLength = 40;

/**
 * Reads `?offset=N` from an upgrade request's URL (`/8468507/Player.SCFAreplay?offset=123`): a
 * byte offset of the whole stream, SCFA header included. It must be written as a whole number
 * of at most 2^53 - 1 (past that, doubles no longer count single bytes), given once.
 */
export function parseReaderOffset(url: string | undefined): ReaderOffset {
  const queryStart = url?.indexOf('?') ?? -1;
  if (url === undefined || queryStart < 0) return { ok: true, readFrom: undefined };
  const values = new URLSearchParams(url.slice(queryStart + 1)).getAll('offset');
  const [text, ...others] = values;
  if (text === undefined) return { ok: true, readFrom: undefined };
  if (others.length > 0) return { ok: false, reason: `offset is given ${values.length} times` };
  const offset = offsetPattern.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(offset)) {
    const reason = `offset must be a whole number of bytes from 0 to ${Number.MAX_SAFE_INTEGER}, got ${quote(text)}`;
    return { ok: false, reason };
  }
  return { ok: true, readFrom: offset };
}

/** `text` for a log line or a response: quoted, and cut short when a client sent a long one. */
function quote(text: string): string {
  const cut = text.length > quotedTextLength;
  return JSON.stringify(cut ? text.slice(0, quotedTextLength) : text) + (cut ? '…' : '');
}
