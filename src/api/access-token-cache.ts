// A few seconds of in-isolate memory for access-token lookups, dropped at once by logouts in this isolate.
import type { TokenOwner } from "../accounts/token-store";

/**
 * At most this long may a token revoked by *another* isolate keep working here. Revocations made
 * in this isolate (logout, device deletion, password change, deactivation) drop the entry at
 * once, so the caller's own next request always sees them.
 */
export const ACCESS_TOKEN_CACHE_TTL_MS = 3_000;
/** Bounds memory under a flood of distinct tokens; past it the cache starts over. */
const MAX_ENTRIES = 10_000;

interface Entry {
  readonly owner: TokenOwner;
  readonly storedMs: number;
}

/** One cache per database binding, so tests with separate databases never see each other's tokens. */
const caches = new WeakMap<D1Database, Map<string, Entry>>();

function cacheFor(db: D1Database): Map<string, Entry> {
  let cache = caches.get(db);
  if (cache === undefined) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/** Real elapsed time, not the request clock: tests pin the request clock, and freshness must still run out. */
const monotonicMs = (): number => performance.now();

export function cachedTokenOwner(db: D1Database, accessToken: string): TokenOwner | undefined {
  const cache = cacheFor(db);
  const entry = cache.get(accessToken);
  if (entry === undefined) return undefined;
  if (monotonicMs() - entry.storedMs > ACCESS_TOKEN_CACHE_TTL_MS) {
    cache.delete(accessToken);
    return undefined;
  }
  return entry.owner;
}

export function rememberTokenOwner(db: D1Database, accessToken: string, owner: TokenOwner): void {
  const cache = cacheFor(db);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(accessToken, { owner, storedMs: monotonicMs() });
}

/**
 * Forgets the tokens of one device, or of every device of the user (optionally but one), after
 * their rows were deleted. A scan is fine: the cache holds only the last few seconds of traffic.
 */
export function forgetTokensOf(db: D1Database, userId: string, device?: { only?: string; except?: string }): void {
  const cache = cacheFor(db);
  for (const [token, { owner }] of cache) {
    if (owner.userId !== userId) continue;
    if (device?.only !== undefined && owner.deviceId !== device.only) continue;
    if (device?.except !== undefined && owner.deviceId === device.except) continue;
    cache.delete(token);
  }
}

/** After an event that revoked tokens we cannot name (a refresh-token reuse revokes a whole session). */
export function forgetAllTokens(db: D1Database): void {
  cacheFor(db).clear();
}
