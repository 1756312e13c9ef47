// Password hashing with PBKDF2-HMAC-SHA256 (WebCrypto), stored as a self-describing string.
import { decodeBase64, encodeBase64 } from "../protocol/base64";

const SCHEME = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BITS = 256;

/**
 * Cloudflare's production runtime refuses PBKDF2 above 100,000 iterations in one deriveBits call
 * (workerd's per-isolate PBKDF limit; local workerd does not enforce it, so tests would not notice).
 * 100,000 is therefore both the default and the ceiling for the standard construction.
 * Measured cost: see test/worker/accounts/password-hash.test.ts (about 20 ms in local workerd).
 */
export const MAX_PBKDF2_ITERATIONS = 100_000;
export const DEFAULT_PBKDF2_ITERATIONS = 100_000;
/** Stored hashes below this are not worth verifying (corrupt or hostile rows). */
const MIN_PBKDF2_ITERATIONS = 1_000;

export interface PasswordHashParams {
  readonly iterations: number;
}

interface ParsedHash {
  readonly iterations: number;
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` (unpadded standard base64). */
export async function hashPassword(
  password: string,
  params: PasswordHashParams = { iterations: DEFAULT_PBKDF2_ITERATIONS },
): Promise<string> {
  const iterations = Math.min(Math.max(Math.floor(params.iterations), MIN_PBKDF2_ITERATIONS), MAX_PBKDF2_ITERATIONS);
  const salt = new Uint8Array(SALT_BYTES);
  crypto.getRandomValues(salt);
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${encodeBase64(salt)}$${encodeBase64(hash)}`;
}

function parse(stored: string): ParsedHash | undefined {
  const parts = stored.split("$");
  if (parts.length !== 4 || parts[0] !== SCHEME || !/^[0-9]{1,9}$/.test(parts[1]!)) return undefined;
  const iterations = Number(parts[1]);
  if (iterations < MIN_PBKDF2_ITERATIONS || iterations > MAX_PBKDF2_ITERATIONS) return undefined;
  const salt = decodeBase64(parts[2]!);
  const hash = decodeBase64(parts[3]!);
  if (!salt.ok || !hash.ok || salt.value.length < 8 || hash.value.length !== HASH_BITS / 8) return undefined;
  return { iterations, salt: salt.value, hash: hash.value };
}

/** Compares every byte whatever the first difference, so timing reveals nothing about where it is. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** False for a wrong password and for a stored value this module cannot read (fail closed). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.iterations);
  return constantTimeEqual(candidate, parsed.hash);
}

/**
 * Spends the same work as a real verification. Call it when the user does not exist (or has no
 * password) so response time does not tell an attacker which usernames are registered.
 */
export async function burnPasswordVerification(password: string): Promise<false> {
  await derive(password, new Uint8Array(SALT_BYTES), DEFAULT_PBKDF2_ITERATIONS);
  return false;
}

/** Whether a stored hash should be replaced (after a successful login) because the parameters rose. */
export function needsRehash(
  stored: string,
  params: PasswordHashParams = { iterations: DEFAULT_PBKDF2_ITERATIONS },
): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.iterations < Math.min(params.iterations, MAX_PBKDF2_ITERATIONS);
}
