import { createHmac, timingSafeEqual } from 'node:crypto';

/** The query parameter FAF's user service puts its access tokens in (`faf.replay.access-param`). */
export const TOKEN_QUERY_PARAM = 'verify';

export interface HttpTokensOptions {
  readonly secret: string;
  /** How long a token is accepted after it was issued. Default 300 s. */
  readonly lifetimeMs?: number;
  /** How far in the future an issue time may lie (clock skew between issuer and server). Default 60 s. */
  readonly skewMs?: number;
}

export type TokenVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'bad-signature' };

const TOKEN = /^(\d{1,12})-([A-Za-z0-9+/_-]+={0,2})$/;

/**
 * Signed access tokens in the scheme FAF's user service already issues for its WebSocket
 * bridges (Cloudflare's "token authentication"): `<issuedAtS>-<base64(HMAC-SHA256(secret,
 * path + issuedAtS))>`, sent as `?verify=` (URL-encoded) or as `Authorization: Bearer`. A token
 * signs one path; a path ending in `/` (a game's `/api/v1/games/<id>/`) covers everything under
 * it, so one token serves a viewer's whole game. Being the CDN's scheme too, an edge can check
 * the same tokens before it serves a cached segment.
 */
export class HttpTokens {
  readonly #secret: string;
  readonly #lifetimeMs: number;
  readonly #skewMs: number;

  constructor(options: HttpTokensOptions) {
    if (options.secret === '') throw new RangeError('the token secret is empty');
    this.#secret = options.secret;
    this.#lifetimeMs = options.lifetimeMs ?? 300_000;
    this.#skewMs = options.skewMs ?? 60_000;
  }

  /** A token for `path` (or every path under it, when it ends in `/`), issued at `nowMs`. */
  sign(path: string, nowMs: number): string {
    const issuedAtS = String(Math.floor(nowMs / 1000));
    return `${issuedAtS}-${this.#mac(path, issuedAtS).toString('base64')}`;
  }

  /** `path` with the token for it in the query (`?verify=...`). */
  signedPath(path: string, nowMs: number): string {
    return `${path}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(this.sign(path, nowMs))}`;
  }

  /**
   * Checks a token (already URL-decoded) for a request path against each path it may be signed
   * over: the path itself, and the scopes given (e.g. the game's prefix).
   */
  verify(token: string | undefined, paths: readonly string[], nowMs: number): TokenVerdict {
    if (token === undefined || token === '') return { ok: false, reason: 'missing' };
    const match = TOKEN.exec(token);
    if (match === null) return { ok: false, reason: 'malformed' };
    const issuedAtS = match[1] ?? '';
    const given = Buffer.from((match[2] ?? '').replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    const issuedAtMs = Number(issuedAtS) * 1000;
    if (issuedAtMs > nowMs + this.#skewMs || nowMs - issuedAtMs > this.#lifetimeMs) {
      return { ok: false, reason: 'expired' };
    }
    const signed = paths.some((path) => {
      const expected = this.#mac(path, issuedAtS);
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    return signed ? { ok: true } : { ok: false, reason: 'bad-signature' };
  }

  /**
   * Whether a request carries a good token for its own target (`?verify=` or a bearer header):
   * what the WebSocket listener's `authorize` hook asks.
   */
  authorizes(url: string, authorization: string | undefined, nowMs: number): boolean {
    return this.verify(requestToken(url, authorization), tokenScopes(url), nowMs).ok;
  }

  #mac(path: string, issuedAtS: string): Buffer {
    return createHmac('sha256', this.#secret).update(`${path}${issuedAtS}`, 'utf8').digest();
  }
}

/** The token of a request: `?verify=` first, else an `Authorization: Bearer` header. */
export function requestToken(url: string, authorization: string | undefined): string | undefined {
  const query = url.indexOf('?');
  if (query >= 0) {
    const fromQuery = new URLSearchParams(url.slice(query + 1)).get(TOKEN_QUERY_PARAM);
    // A `+` of the base64 sent unencoded reads as a space.
    if (fromQuery !== null) return fromQuery.replace(/ /g, '+');
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return bearer?.[1];
}

/**
 * The paths a token for `url` may be signed over: the path; for `/`, also the empty path (FAF's
 * user service signs `ws://host:port` with its empty path); under a game, the game's prefix.
 */
export function tokenScopes(url: string): string[] {
  const path = url.split('?')[0] ?? '/';
  const scopes = [path];
  if (path === '/') scopes.push('');
  const game = /^(\/api\/v1\/games\/[^/]+\/)/.exec(path);
  if (game?.[1] !== undefined && game[1] !== path) scopes.push(game[1]);
  return scopes;
}
