// The `one_time_keys` and `fallback_keys` maps of /keys/upload: `<algorithm>:<key_id>` to a key.
import { canonicalJson } from "../canonical-json";
import { isJsonObject, type JsonValue } from "../json-value";
import { err, ok, type Result } from "../result";
import { e2eeKeyError, type E2eeKeyError } from "./key-error";
import { parseKeyId } from "./key-id";
import { isSignatureMap } from "./signatures";

export interface UploadedKey {
  readonly algorithm: string;
  readonly keyId: string;
  /** The key as sent (a string for unsigned curve25519 keys, else an object), canonical JSON. */
  readonly keyJson: string;
}

/** A key object: a bare string (the key), or an object with a string `key` and well-formed signatures if any. */
function isKeyValue(value: JsonValue): boolean {
  if (typeof value === "string") return true;
  if (!isJsonObject(value)) return false;
  if (typeof value["key"] !== "string") return false;
  return value["signatures"] === undefined || isSignatureMap(value["signatures"]);
}

/** Every key of a one_time_keys or fallback_keys map, in the map's order. */
export function parseKeyMap(field: string, value: JsonValue): Result<UploadedKey[], E2eeKeyError> {
  if (!isJsonObject(value)) return err(e2eeKeyError("bad_json", `${field} must be an object`));
  const keys: UploadedKey[] = [];
  for (const [name, key] of Object.entries(value)) {
    const id = parseKeyId(name);
    if (!id.ok) return id;
    if (!isKeyValue(key)) return err(e2eeKeyError("bad_json", `${field}.${name} is not a key`));
    keys.push({ algorithm: id.value.algorithm, keyId: id.value.id, keyJson: canonicalJson(key) });
  }
  return ok(keys);
}

/** Fallback keys: at most one per algorithm (spec: the server persists one key per algorithm). */
export function parseFallbackKeys(value: JsonValue): Result<UploadedKey[], E2eeKeyError> {
  const keys = parseKeyMap("fallback_keys", value);
  if (!keys.ok) return keys;
  const algorithms = new Set(keys.value.map((k) => k.algorithm));
  if (algorithms.size !== keys.value.length) {
    return err(e2eeKeyError("invalid_param", "fallback_keys holds more than one key for an algorithm"));
  }
  return keys;
}

/**
 * One-time keys already stored under an uploaded key's ID must hold the same key: an upload may be
 * retried, but a key ID is never reused for another key. Returns the keys still to be stored.
 */
export function newOneTimeKeys(
  uploaded: readonly UploadedKey[],
  stored: ReadonlyMap<string, string>,
): Result<UploadedKey[], E2eeKeyError> {
  const fresh: UploadedKey[] = [];
  for (const key of uploaded) {
    const existing = stored.get(`${key.algorithm}:${key.keyId}`);
    if (existing === undefined) fresh.push(key);
    else if (existing !== key.keyJson) {
      return err(e2eeKeyError("invalid_param", `one-time key ${key.algorithm}:${key.keyId} already exists with different content`));
    }
  }
  return ok(fresh);
}
