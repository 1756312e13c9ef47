// Making signing keys: random key IDs and seeds, and the SIGNING_KEY_SEED override format.
import { decodeBase64 } from "../protocol/base64";
import { prepareSigningKey } from "../protocol/signing";
import type { ServerSigningKey } from "./signing-key-store";

const VERSION_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** The spec allows only `[a-zA-Z0-9_]` in a key version. */
const VERSION = /^[a-zA-Z0-9_]+$/;

export type RandomBytes = (length: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** The key with its seed expanded once, so signing with it does not redo the expansion per event. */
export function keyFromSeed(keyId: string, seed: Uint8Array): ServerSigningKey {
  return prepareSigningKey(keyId, seed);
}

/** A fresh key: 32 random seed bytes and an 8-character random version. */
export function generateSigningKey(randomBytes: RandomBytes): ServerSigningKey {
  let version = "";
  while (version.length < 8) {
    for (const byte of randomBytes(16)) {
      // Rejecting bytes >= 248 keeps every character equally likely (248 = 4 * 62).
      if (byte < 248 && version.length < 8) version += VERSION_ALPHABET[byte % 62];
    }
  }
  return keyFromSeed(`ed25519:${version}`, randomBytes(32));
}

/**
 * Reads SIGNING_KEY_SEED: either a bare base64 seed (the version is then derived from the public
 * key, so it is stable across restarts) or `ed25519 <version> <base64 seed>`, the layout of a
 * Synapse signing key file, so an existing server's key can be carried over.
 */
export function parseSigningKeySeed(text: string): ServerSigningKey | undefined {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 1 && parts.length !== 3) return undefined;
  const [algorithm, version, seedText] = parts.length === 3 ? parts : ["ed25519", undefined, parts[0]];
  if (algorithm !== "ed25519" || seedText === undefined || (version !== undefined && !VERSION.test(version))) {
    return undefined;
  }
  const seed = decodeBase64(seedText);
  if (!seed.ok || seed.value.length !== 32) return undefined;
  const prepared = prepareSigningKey("", seed.value);
  const derived = `seed_${[...prepared.publicKey.slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  return { ...prepared, keyId: `ed25519:${version ?? derived}` };
}
