// Random secrets (access and refresh tokens, session IDs) and the sha256 form they are stored in.
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "../protocol/base64";

/** 256 bits: far beyond guessing, and the same size as the hash they are stored under. */
const TOKEN_BYTES = 32;

/** Prefixes make a leaked token recognisable (secret scanners, logs) and show its kind at a glance. */
export const ACCESS_TOKEN_PREFIX = "mat_";
export const REFRESH_TOKEN_PREFIX = "mrt_";

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}

/** URL-safe unpadded base64 of `bytes` random bytes (opaque-identifier grammar safe). */
export const randomOpaqueId = (bytes: number): string => encodeBase64Url(randomBytes(bytes));

export const generateAccessToken = (): string => ACCESS_TOKEN_PREFIX + randomOpaqueId(TOKEN_BYTES);
export const generateRefreshToken = (): string => REFRESH_TOKEN_PREFIX + randomOpaqueId(TOKEN_BYTES);

/**
 * The only form a token is stored in. A plain (unsalted, fast) hash is right here: the input has
 * 256 bits of entropy, so a stolen table gives nothing to brute-force, and lookups stay one
 * indexed equality match.
 */
export const hashToken = (token: string): string => encodeBase64Url(sha256(new TextEncoder().encode(token)));

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * `length` characters drawn uniformly from `alphabet` (rejection sampling: a plain modulo would
 * favour the first characters).
 */
export function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length]!;
      if (out.length === length) break;
    }
  }
  return out;
}

/** A new device ID: ten upper-case letters, the shape clients are used to (about 47 bits). */
export const generateDeviceId = (): string => randomString(UPPER, 10);
