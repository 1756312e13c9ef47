// Signing and verifying JSON objects with ed25519 (spec appendix "Signing JSON").
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, concatBytes } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { decodeBase64, encodeBase64 } from "./base64";
import { canonicalJsonBytes } from "./canonical-json";
import { isJsonObject, type JsonObject } from "./json-value";
import { err, ok, type Result } from "./result";

export interface SigningKey {
  /** `ed25519:<version>` */
  readonly keyId: string;
  /** The 32-byte ed25519 seed. */
  readonly seed: Uint8Array;
  /**
   * The seed expanded once (RFC 8032 5.1.5), set only by `prepareSigningKey`. Without it every
   * signature re-derives the scalar and public key from the seed, about half the cost of signing.
   */
  readonly expanded?: ExpandedSeed;
}

/** RFC 8032 5.1.5: the secret scalar, the nonce prefix and the public key `A`, derived from a seed. */
export interface ExpandedSeed {
  readonly scalar: bigint;
  readonly prefix: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A signing key whose seed has been expanded: make one where a key is loaded and keep it. */
export type PreparedSigningKey = SigningKey & { readonly expanded: ExpandedSeed; readonly publicKey: Uint8Array };

export type SignatureError = {
  readonly _tag: "SignatureError";
  readonly reason: "missing_signature" | "malformed_signature" | "bad_signature" | "not_canonical";
};

export const publicKeyFromSeed = (seed: Uint8Array): Uint8Array => ed25519.getPublicKey(seed);

function expandSeed(seed: Uint8Array): ExpandedSeed {
  const { scalar, prefix, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
  return { scalar, prefix, publicKey: pointBytes };
}

export function prepareSigningKey(keyId: string, seed: Uint8Array): PreparedSigningKey {
  const expanded = expandSeed(seed);
  return { keyId, seed, expanded, publicKey: expanded.publicKey };
}

const Fn = ed25519.Point.Fn;
const hashToScalar = (...parts: Uint8Array[]): bigint => Fn.create(bytesToNumberLE(sha512(concatBytes(...parts))));

/**
 * RFC 8032 5.1.6 with the expansion already done; the same steps as noble's `ed25519.sign`, which
 * has no entry point taking an expanded key (the prepared-key unit test checks the two agree).
 */
function signExpanded(message: Uint8Array, { scalar, prefix, publicKey }: ExpandedSeed): Uint8Array {
  const r = hashToScalar(prefix, message);
  const R = ed25519.Point.BASE.multiply(r).toBytes();
  const k = hashToScalar(R, publicKey, message);
  return concatBytes(R, Fn.toBytes(Fn.create(r + k * scalar)));
}

/** The bytes a signature covers: the object without `signatures` and `unsigned`, canonical JSON. */
function signedBytes(value: JsonObject): Uint8Array {
  const { signatures: _s, unsigned: _u, ...rest } = value;
  return canonicalJsonBytes(rest);
}

/** Returns a copy of `value` with this server's signature added beside any existing ones. */
export function signJson<T extends JsonObject>(value: T, serverName: string, key: SigningKey): T {
  const signature = encodeBase64(signExpanded(signedBytes(value), key.expanded ?? expandSeed(key.seed)));
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
