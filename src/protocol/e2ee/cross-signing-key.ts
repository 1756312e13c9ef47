// Cross-signing keys (master, self-signing, user-signing): shape, public key, and signature checks.
import { decodeBase64 } from "../base64";
import { canonicalJson } from "../canonical-json";
import { isJsonObject, type JsonObject, type JsonValue } from "../json-value";
import { err, ok, type Result } from "../result";
import { verifyJsonSignature } from "../signing";
import { e2eeKeyError, type E2eeKeyError } from "./key-error";
import { isSignatureMap, signedPart } from "./signatures";

export type CrossSigningUsage = "master" | "self_signing" | "user_signing";

export interface CrossSigningKey {
  readonly usage: CrossSigningUsage;
  /** Unpadded base64 ed25519 public key: the key's ID after `ed25519:`. */
  readonly publicKey: string;
  readonly json: JsonObject;
}

/**
 * A key of `usage` for `userId`: `keys` holds exactly one `ed25519:<public key>` whose value is that
 * public key, and `usage` names the role it is uploaded for.
 */
export function parseCrossSigningKey(
  value: JsonValue,
  usage: CrossSigningUsage,
  userId: string,
): Result<CrossSigningKey, E2eeKeyError> {
  const field = `${usage}_key`;
  if (!isJsonObject(value)) return err(e2eeKeyError("bad_json", `${field} must be an object`));
  const { user_id, usage: usages, keys, signatures } = value;
  if (typeof user_id !== "string") return err(e2eeKeyError("bad_json", `${field}.user_id must be a string`));
  if (!Array.isArray(usages) || !usages.every((u) => typeof u === "string")) {
    return err(e2eeKeyError("bad_json", `${field}.usage must be an array of strings`));
  }
  if (!isJsonObject(keys)) return err(e2eeKeyError("bad_json", `${field}.keys must be an object`));
  if (signatures !== undefined && !isSignatureMap(signatures)) {
    return err(e2eeKeyError("bad_json", `${field}.signatures must map user IDs to key IDs to strings`));
  }
  if (user_id !== userId) return err(e2eeKeyError("invalid_param", `${field}.user_id is not the uploading user`));
  if (!usages.includes(usage)) return err(e2eeKeyError("invalid_param", `${field}.usage does not include ${usage}`));
  const entries = Object.entries(keys);
  const [only] = entries;
  if (entries.length !== 1 || only === undefined) return err(e2eeKeyError("invalid_param", `${field}.keys must hold exactly one key`));
  const [keyId, publicKey] = only;
  if (!keyId.startsWith("ed25519:") || publicKey !== keyId.slice("ed25519:".length) || !isEd25519PublicKey(publicKey)) {
    return err(e2eeKeyError("invalid_param", `${field}.keys must be one ed25519:<public key> naming its own public key`));
  }
  return ok({ usage, publicKey, json: value });
}

function isEd25519PublicKey(text: string): boolean {
  const bytes = decodeBase64(text);
  return bytes.ok && bytes.value.length === 32;
}

/**
 * True when `value` carries a valid signature by `signerUserId` under `keyId` (a cross-signing
 * key's ID is `ed25519:<public key>`, a device's `ed25519:<device ID>`) with the ed25519 key `publicKey`.
 */
export function isSignedBy(value: JsonObject, signerUserId: string, publicKey: string, keyId = `ed25519:${publicKey}`): boolean {
  const key = decodeBase64(publicKey);
  if (!key.ok || key.value.length !== 32) return false;
  return verifyJsonSignature(value, signerUserId, keyId, key.value).ok;
}

/** Two versions of a key are the same key when everything but their signatures agrees. */
export const sameKey = (a: JsonObject, b: JsonObject): boolean => canonicalJson(signedPart(a)) === canonicalJson(signedPart(b));
