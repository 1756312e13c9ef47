// Other servers' signing keys: fetched from /_matrix/key/v2/server, verified, cached in D1, looked up for request and notary use.
import { cachedAnswerSuffices, type NotaryCriteria } from "../protocol/federation/notary-query";
import { cappedValidUntil, verifyServerKeyResponse, type VerifiedServerKeys } from "../protocol/federation/server-key-response";
import type { JsonObject } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { readJsonResponse, sendOutbound, transportError, type TransportError } from "./outbound-fetch";
import { readCachedKey, readCachedResponse, storeServerKeys } from "./remote-key-store";
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
 * server did not list).
 */
export async function requestVerifyKey(deps: RemoteKeyDeps, serverName: string, keyId: string): Promise<Result<Uint8Array, RemoteKeyError>> {
  const now = deps.nowMs();
  const cached = await readCachedKey(deps.db, serverName, keyId);
  if (cached.key !== undefined && cached.key.expiredTs === null && cached.key.validUntilTs >= now) return ok(cached.key.publicKey);
  if (cached.key !== undefined && cached.key.expiredTs !== null) {
    return err(keyError("unknown_key", `${keyId} of ${serverName} is an old key, valid for events only`));
  }
  const lastFetch = cached.response?.fetchedTs;
  if (cached.key === undefined && lastFetch !== undefined && now - lastFetch < MIN_REFETCH_MS) {
    return err(keyError("unknown_key", `${serverName} does not list ${keyId}`));
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
