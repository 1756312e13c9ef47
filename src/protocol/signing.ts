// Signing and verifying JSON objects with ed25519 (spec appendix "Signing JSON").
import { ed25519 } from "@noble/curves/ed25519.js";
import { decodeBase64, encodeBase64 } from "./base64";
import { canonicalJsonBytes } from "./canonical-json";
import { isJsonObject, type JsonObject } from "./json-value";
import { err, ok, type Result } from "./result";

export interface SigningKey {
  /** `ed25519:<version>` */
  readonly keyId: string;
  /** The 32-byte ed25519 seed. */
  readonly seed: Uint8Array;
}

export type SignatureError = {
  readonly _tag: "SignatureError";
  readonly reason: "missing_signature" | "malformed_signature" | "bad_signature" | "not_canonical";
};

export const publicKeyFromSeed = (seed: Uint8Array): Uint8Array => ed25519.getPublicKey(seed);

/** The bytes a signature covers: the object without `signatures` and `unsigned`, canonical JSON. */
function signedBytes(value: JsonObject): Uint8Array {
  const { signatures: _s, unsigned: _u, ...rest } = value;
  return canonicalJsonBytes(rest);
}

/** Returns a copy of `value` with this server's signature added beside any existing ones. */
export function signJson<T extends JsonObject>(value: T, serverName: string, key: SigningKey): T {
  const signature = encodeBase64(ed25519.sign(signedBytes(value), key.seed));
  const existing = isJsonObject(value["signatures"]) ? value["signatures"] : {};
  const forServer = isJsonObject(existing[serverName]) ? existing[serverName] : {};
  return {
    ...value,
    signatures: { ...existing, [serverName]: { ...forServer, [key.keyId]: signature } },
  };
}

/** Checks the signature by `serverName` with `keyId` on `value` against `publicKey`. */
export function verifyJsonSignature(
  value: JsonObject,
  serverName: string,
  keyId: string,
  publicKey: Uint8Array,
): Result<void, SignatureError> {
  const sigs = value["signatures"];
  const forServer = isJsonObject(sigs) ? sigs[serverName] : undefined;
  const sig = isJsonObject(forServer) ? forServer[keyId] : undefined;
  if (typeof sig !== "string") return err({ _tag: "SignatureError", reason: "missing_signature" });
  const raw = decodeBase64(sig);
  if (!raw.ok || raw.value.length !== 64) return err({ _tag: "SignatureError", reason: "malformed_signature" });
  let bytes: Uint8Array;
  try {
    bytes = signedBytes(value);
  } catch {
    return err({ _tag: "SignatureError", reason: "not_canonical" });
  }
  let valid = false;
  try {
    valid = ed25519.verify(raw.value, bytes, publicKey);
  } catch {
    valid = false;
  }
  return valid ? ok(undefined) : err({ _tag: "SignatureError", reason: "bad_signature" });
}
