// Checking a server's /_matrix/key/v2/server response (spec "Retrieving server keys"): shape, self-signature, validity.
import { decodeBase64 } from "../base64";
import { isJsonObject, type JsonObject } from "../json-value";
import { err, ok, type Result } from "../result";
import { verifyJsonSignature } from "../signing";

/** Servers MUST use the lesser of `valid_until_ts` and 7 days into the future. */
export const MAX_KEY_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

export interface RemoteVerifyKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  /** Set for `old_verify_keys`: when the server stopped using the key. */
  readonly expiredTs?: number;
}

export interface VerifiedServerKeys {
  readonly serverName: string;
  readonly verifyKeys: readonly RemoteVerifyKey[];
  readonly oldVerifyKeys: readonly RemoteVerifyKey[];
  /** As the server published it; use `cappedValidUntil` to decide whether a key is still valid. */
  readonly validUntilTs: number;
  /** The response object as received (signatures included), for a notary to pass on. */
  readonly response: JsonObject;
}

export type ServerKeyResponseError = {
  readonly _tag: "ServerKeyResponseError";
  readonly reason: "malformed" | "wrong_server" | "unsigned" | "bad_signature";
  readonly detail: string;
};

const fail = (reason: ServerKeyResponseError["reason"], detail: string): Result<never, ServerKeyResponseError> =>
  err({ _tag: "ServerKeyResponseError", reason, detail });

const KEY_ID = /^ed25519:[a-zA-Z0-9_]+$/;

/** The effective expiry of keys fetched at `fetchedTs`: the published one, at most 7 days after the fetch. */
export const cappedValidUntil = (validUntilTs: number, fetchedTs: number): number =>
  Math.min(validUntilTs, fetchedTs + MAX_KEY_VALIDITY_MS);

function readKeys(value: unknown, field: string, old: boolean): Result<RemoteVerifyKey[], ServerKeyResponseError> {
  if (value === undefined && old) return ok([]);
  if (!isJsonObject(value)) return fail("malformed", `${field} is not an object`);
  const keys: RemoteVerifyKey[] = [];
  for (const [keyId, entry] of Object.entries(value)) {
    // Keys of algorithms other than ed25519 cannot be used here; they are skipped, not refused.
    if (!keyId.startsWith("ed25519:")) continue;
    if (!KEY_ID.test(keyId)) return fail("malformed", `${field} has a bad key ID ${keyId}`);
    if (!isJsonObject(entry) || typeof entry["key"] !== "string") return fail("malformed", `${field}.${keyId} has no key`);
    const decoded = decodeBase64(entry["key"]);
    if (!decoded.ok || decoded.value.length !== 32) return fail("malformed", `${field}.${keyId} is not an ed25519 key`);
    if (!old) {
      keys.push({ keyId, publicKey: decoded.value });
      continue;
    }
    const expired = entry["expired_ts"];
    if (typeof expired !== "number" || !Number.isSafeInteger(expired)) return fail("malformed", `${field}.${keyId} has no expired_ts`);
    keys.push({ keyId, publicKey: decoded.value, expiredTs: expired });
  }
  return ok(keys);
}

/**
 * A key response for `expectedServer`: it must name that server, and be signed by it with its
 * `verify_keys`: every such signature present must verify, and there must be at least one.
 * (Signatures by other servers, e.g. a notary's, are not checked here.)
 */
export function verifyServerKeyResponse(body: unknown, expectedServer: string): Result<VerifiedServerKeys, ServerKeyResponseError> {
  if (!isJsonObject(body)) return fail("malformed", "the response is not an object");
  if (body["server_name"] !== expectedServer) return fail("wrong_server", `server_name is not ${expectedServer}`);
  const validUntilTs = body["valid_until_ts"];
  if (typeof validUntilTs !== "number" || !Number.isSafeInteger(validUntilTs)) return fail("malformed", "valid_until_ts is not an integer");
  const verifyKeys = readKeys(body["verify_keys"], "verify_keys", false);
  if (!verifyKeys.ok) return verifyKeys;
  const oldVerifyKeys = readKeys(body["old_verify_keys"], "old_verify_keys", true);
  if (!oldVerifyKeys.ok) return oldVerifyKeys;
  const signatures = body["signatures"];
  const own = isJsonObject(signatures) ? signatures[expectedServer] : undefined;
  if (!isJsonObject(own)) return fail("unsigned", "no signatures by the server");
  let verified = 0;
  for (const key of verifyKeys.value) {
    if (own[key.keyId] === undefined) continue;
    const check = verifyJsonSignature(body, expectedServer, key.keyId, key.publicKey);
    if (!check.ok) return fail("bad_signature", `${key.keyId}: ${check.error.reason}`);
    verified++;
  }
  if (verified === 0) return fail("unsigned", "not signed by any of its verify_keys");
  return ok({
    serverName: expectedServer,
    verifyKeys: verifyKeys.value,
    oldVerifyKeys: oldVerifyKeys.value,
    validUntilTs,
    response: body,
  });
}
