// Other servers' signing keys: fetched from /_matrix/key/v2/server, verified, cached in D1, looked up for request and notary use.
import { cachedAnswerSuffices, type NotaryCriteria } from "../protocol/federation/notary-query";
import { cappedValidUntil, verifyServerKeyResponse, type VerifiedServerKeys } from "../protocol/federation/server-key-response";
import type { KeyLookup } from "../protocol/event-signing";
import type { JsonObject } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { readJsonResponse, sendOutbound, transportError, type TransportError } from "./outbound-fetch";
import { type CachedRemoteKey, readCachedKey, readCachedKeysOf, readCachedResponse, storeServerKeys } from "./remote-key-store";
import { resolveServer, type ResolverDeps } from "./server-resolver";

export interface RemoteKeyDeps extends ResolverDeps {
  readonly db: D1Database;
}

export type RemoteKeyError =
  | TransportError
  | {
      readonly _tag: "RemoteKeyError";
      /** invalid_response: an answer that is not a valid self-signed key response; unknown_key: not among the server's current keys. */
      readonly reason: "invalid_response" | "unknown_key";
      readonly detail: string;
    };

const keyError = (reason: "invalid_response" | "unknown_key", detail: string): RemoteKeyError => ({ _tag: "RemoteKeyError", reason, detail });

/** A key response is small; this leaves room for servers with many old keys. */
const KEY_RESPONSE_MAX_BYTES = 256 * 1024;
/**
 * A server's keys are fetched again for an unknown key only if the last fetch is older than this,
 * so requests naming made-up key IDs cannot make us fetch on every request.
 */
export const MIN_REFETCH_MS = 60_000;

/** Fetches in flight per server, so concurrent requests from one origin share one fetch. */
const inFlight = new Map<string, Promise<Result<VerifiedServerKeys, RemoteKeyError>>>();

/** GET /_matrix/key/v2/server from the server itself; a verified answer is stored before it is returned. */
export function fetchServerKeys(deps: RemoteKeyDeps, serverName: string): Promise<Result<VerifiedServerKeys, RemoteKeyError>> {
  const running = inFlight.get(serverName);
  if (running !== undefined) return running;
  const started = fetchAndStore(deps, serverName).finally(() => inFlight.delete(serverName));
  inFlight.set(serverName, started);
  return started;
}

async function fetchAndStore(deps: RemoteKeyDeps, serverName: string): Promise<Result<VerifiedServerKeys, RemoteKeyError>> {
  const base = await resolveServer(deps, serverName);
  if (!base.ok) return base;
  const sent = await sendOutbound(deps.fetch, new Request(`${base.value}/_matrix/key/v2/server`, { headers: { Accept: "application/json" } }));
  if (!sent.ok) return sent;
  const response = sent.value;
  if (response.status !== 200) {
    await response.body?.cancel();
    return err(transportError("bad_response", `${serverName} answered ${response.status}`));
  }
  const body = await readJsonResponse(response, KEY_RESPONSE_MAX_BYTES);
  if (!body.ok) return err(keyError("invalid_response", `${serverName}: ${body.error}`));
  const verified = verifyServerKeyResponse(body.value, serverName);
  if (!verified.ok) return err(keyError("invalid_response", `${serverName}: ${verified.error.reason} (${verified.error.detail})`));
  await storeServerKeys(deps.db, verified.value, deps.nowMs());
  return verified;
}

/**
 * The public key `keyId` of `serverName` for checking a request signature: it must be one of the
 * server's current keys (`old_verify_keys` only verify events) and valid now. From the cache when
 * it is there and valid; otherwise fetched from the server (at most once a minute for a key the
 * server did not list or lists as expired).
 */
export async function requestVerifyKey(deps: RemoteKeyDeps, serverName: string, keyId: string): Promise<Result<Uint8Array, RemoteKeyError>> {
  const now = deps.nowMs();
  const cached = await readCachedKey(deps.db, serverName, keyId);
  if (cached.key !== undefined && cached.key.expiredTs === null && cached.key.validUntilTs >= now) return ok(cached.key.publicKey);
  if (cached.key !== undefined && cached.key.expiredTs !== null) {
    return err(keyError("unknown_key", `${keyId} of ${serverName} is an old key, valid for events only`));
  }
  // Missing or expired: the server is asked again, unless it was asked within the last minute
  // (what it said then still stands: a made-up key ID, or keys it publishes as already expired).
  const lastFetch = cached.response?.fetchedTs;
  if (lastFetch !== undefined && now - lastFetch < MIN_REFETCH_MS) {
    return err(keyError("unknown_key", `${serverName} does not list ${keyId} as a current key valid now`));
  }
  const fetched = await fetchServerKeys(deps, serverName);
  if (!fetched.ok) return fetched;
  const fresh = fetched.value.verifyKeys.find((k) => k.keyId === keyId);
  if (fresh === undefined) return err(keyError("unknown_key", `${serverName} does not list ${keyId} among its current keys`));
  if (cappedValidUntil(fetched.value.validUntilTs, now) < now) return err(keyError("unknown_key", `${serverName}'s keys have expired`));
  return ok(fresh.publicKey);
}

/**
 * A notary's answer for one remote server: the cached response when it is valid long enough and
 * holds the asked keys, else a fresh fetch; when the server cannot be reached, whatever is cached
 * (spec: notaries "can return keys for servers that are offline … by using cached responses").
 * Undefined: nothing to say about that server.
 */
export async function notaryRemoteResponse(deps: RemoteKeyDeps, criteria: NotaryCriteria): Promise<JsonObject | undefined> {
  const cached = await readCachedResponse(deps.db, criteria.serverName);
  if (cached !== undefined && cachedAnswerSuffices(cached, criteria, deps.nowMs())) return cached.response;
  const fetched = await fetchServerKeys(deps, criteria.serverName);
  if (fetched.ok) return fetched.value.response;
  return cached?.response;
}

/** A key an event signature may need: by `serverName`, with `keyId`, for an event sent at `atTs`. */
export interface EventKeyNeed {
  readonly serverName: string;
  readonly keyId: string;
  /** The event's `origin_server_ts`: the key must be valid at least until then. */
  readonly atTs: number;
}

/** Until when a key may verify events: an old key until it expired, a current one until its (capped) validity. */
const eventValidUntil = (key: CachedRemoteKey): number =>
  key.expiredTs === null ? key.validUntilTs : Math.min(key.expiredTs, key.validUntilTs);

/**
 * Gathers the keys that checking events' signatures needs, for `verifyEventSignatures`' synchronous
 * lookup: from the D1 cache, fetching a server's keys again when one it must have is missing or
 * not valid until the event's time (at most once a minute per server, as for requests). Servers
 * that cannot be reached simply contribute no keys: their signatures count as unknown.
 * Asking trusted notaries for keys of offline servers is not done yet.
 */
export async function eventKeyLookup(deps: RemoteKeyDeps, needs: readonly EventKeyNeed[]): Promise<KeyLookup> {
  const servers = [...new Set(needs.map((n) => n.serverName))];
  const cached = await readCachedKeysOf(deps.db, servers);
  const known = new Map<string, CachedRemoteKey>();
  for (const [server, entry] of cached) for (const [keyId, key] of entry.keys) known.set(`${server}\u0000${keyId}`, key);
  const now = deps.nowMs();
  const refetch = new Set<string>();
  for (const need of needs) {
    const key = known.get(`${need.serverName}\u0000${need.keyId}`);
    if (key !== undefined && eventValidUntil(key) >= need.atTs) continue;
    // An old key that expired before the event will not become valid by fetching again.
    if (key !== undefined && key.expiredTs !== null) continue;
    const fetchedTs = cached.get(need.serverName)?.fetchedTs;
    if (fetchedTs === undefined || now - fetchedTs >= MIN_REFETCH_MS) refetch.add(need.serverName);
  }
  const fetched = await Promise.all([...refetch].map((server) => fetchServerKeys(deps, server)));
  for (const result of fetched) {
    if (!result.ok) continue;
    const keys = result.value;
    const validUntilTs = cappedValidUntil(keys.validUntilTs, now);
    for (const k of keys.verifyKeys) known.set(`${keys.serverName}\u0000${k.keyId}`, { publicKey: k.publicKey, expiredTs: null, validUntilTs });
    for (const k of keys.oldVerifyKeys) {
      known.set(`${keys.serverName}\u0000${k.keyId}`, { publicKey: k.publicKey, expiredTs: k.expiredTs ?? 0, validUntilTs });
    }
  }
  return (serverName, keyId) => {
    const key = known.get(`${serverName}\u0000${keyId}`);
    return key === undefined ? undefined : { publicKey: key.publicKey, validUntilTs: eventValidUntil(key) };
  };
}
