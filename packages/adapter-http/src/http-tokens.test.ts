import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HttpTokens, requestToken, tokenScopes } from './http-tokens.js';

const NOW_MS = Date.UTC(2026, 0, 1);

/** A token as FAF's user service forms it (CloudflareService.generateCloudFlareHmacToken). */
function fafToken(secret: string, path: string, issuedAtS: number): string {
  const mac = createHmac('sha256', secret).update(`${path}${issuedAtS}`).digest('base64');
  return `${issuedAtS}-${encodeURIComponent(mac)}`;
}

describe('HttpTokens', () => {
  const tokens = new HttpTokens({ secret: 'banana', lifetimeMs: 300_000 });

  it("accepts a token formed as FAF's user service forms it, read from the query", () => {
    const path = '/api/v1/games/42/stream';
    const url = `${path}?offset=5&verify=${fafToken('banana', path, NOW_MS / 1000)}`;
    const token = requestToken(url, undefined);
    expect(tokens.verify(token, tokenScopes(url), NOW_MS)).toEqual({ ok: true });
  });

  it('accepts the empty path of a bare ws://host:port access URL for /', () => {
    const url = `/?verify=${fafToken('banana', '', NOW_MS / 1000)}`;
    expect(tokens.verify(requestToken(url, undefined), tokenScopes(url), NOW_MS)).toEqual({ ok: true });
  });

  it("lets a token for a game's prefix cover its segments, and no other game", () => {
    const token = tokens.sign('/api/v1/games/42/', NOW_MS);
    expect(tokens.verify(token, tokenScopes('/api/v1/games/42/segments/7'), NOW_MS)).toEqual({ ok: true });
    expect(tokens.verify(token, tokenScopes('/api/v1/games/43/segments/7'), NOW_MS)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(tokens.verify(token, tokenScopes('/api/v1/replays/42'), NOW_MS).ok).toBe(false);
  });

  it('refuses expired, future, malformed, missing and foreign tokens', () => {
    const path = '/api/v1/replays/42';
    const scopes = tokenScopes(path);
    const token = tokens.sign(path, NOW_MS);
    expect(tokens.verify(token, scopes, NOW_MS + 300_000)).toEqual({ ok: true });
    expect(tokens.verify(token, scopes, NOW_MS + 301_000)).toEqual({ ok: false, reason: 'expired' });
    expect(tokens.verify(tokens.sign(path, NOW_MS + 61_000), scopes, NOW_MS)).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(tokens.verify('garbage', scopes, NOW_MS)).toEqual({ ok: false, reason: 'malformed' });
    expect(tokens.verify(undefined, scopes, NOW_MS)).toEqual({ ok: false, reason: 'missing' });
    const foreign = new HttpTokens({ secret: 'apple' }).sign(path, NOW_MS);
    expect(tokens.verify(foreign, scopes, NOW_MS)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('authorizes a WebSocket handshake from its request target or bearer header', () => {
    const url = `/?verify=${encodeURIComponent(tokens.sign('/', NOW_MS))}`;
    expect(tokens.authorizes(url, undefined, NOW_MS)).toBe(true);
    expect(tokens.authorizes('/', `Bearer ${tokens.sign('/', NOW_MS)}`, NOW_MS)).toBe(true);
    expect(tokens.authorizes('/', undefined, NOW_MS)).toBe(false);
    expect(tokens.authorizes('/other', `Bearer ${tokens.sign('/', NOW_MS)}`, NOW_MS)).toBe(false);
  });

  it('reads a bearer header, and a query token whose + was sent unencoded', () => {
    expect(requestToken('/x', 'Bearer 1-abc')).toBe('1-abc');
    expect(requestToken('/x?verify=1-a+b', undefined)).toBe('1-a+b');
    expect(requestToken('/x', undefined)).toBeUndefined();
  });
});
