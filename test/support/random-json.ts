// Seeded pseudo-random JSON values for property tests: deterministic, canonical-JSON-encodable, no dependencies.
import type { JsonObject, JsonValue } from "../../src/protocol/json-value";

/** A small deterministic generator (mulberry32); the same seed always yields the same sequence. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive; spans up to 2^53 (slightly biased above 2^32). */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => next32() / 2 ** 32;
  const int = (min: number, max: number): number => {
    const span = max - min + 1;
    if (span <= 2 ** 32) return min + Math.floor(next() * span);
    const r = (next32() >>> 11) * 2 ** 32 + next32(); // 53 random bits, exact in a double
    return min + (r % span);
  };
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!,
    chance: (p: number) => next() < p,
  };
}

const MAX_SAFE = 2 ** 53 - 1;

/** Code points chosen to stress escaping and code-point ordering. */
const INTERESTING_CHARS = [
  "a", "b", "z", "A", "Z", "0", "9", " ", "_", "-", ".", ":", "@", "!", "$", "#", "/",
  '"', "\\", "\b", "\f", "\n", "\r", "\t", "\u0000", "\u0001", "\u001f", "\u007f", "\u0080",
  "é", "ß", "日", "本", "\u2028", "\u2029", "\ud7ff", "\ue000", "\uf8ff", "\ufeff", "\ufffd", "\uffff",
  "😀", "𝄞", "\u{10000}", "\u{10ffff}",
];

/** Keys that could trip up naive object handling. */
const AWKWARD_KEYS = ["", "__proto__", "constructor", "toString", "hasOwnProperty", "a", "aa", "b", "\uffff", "😀", "\ue000"];

const INTEGER_EDGES = [0, 1, -1, 255, 256, -256, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, MAX_SAFE, -MAX_SAFE, MAX_SAFE - 1, -MAX_SAFE + 1];

export function randomString(rng: Random, maxLength = 8): string {
  let s = "";
  const length = rng.int(0, maxLength);
  for (let i = 0; i < length; i++) {
    s += rng.chance(0.6) ? rng.pick(INTERESTING_CHARS) : String.fromCodePoint(randomCodePoint(rng));
  }
  return s;
}

/** Any Unicode scalar value (never a surrogate), biased toward the BMP. */
function randomCodePoint(rng: Random): number {
  const cp = rng.chance(0.8) ? rng.int(0, 0xffff) : rng.int(0x10000, 0x10ffff);
  return cp >= 0xd800 && cp <= 0xdfff ? cp + 0x800 : cp;
}

export function randomInteger(rng: Random): number {
  const n = rng.chance(0.3) ? rng.pick(INTEGER_EDGES) : rng.chance(0.5) ? rng.int(-1000, 1000) : (rng.chance(0.5) ? -1 : 1) * rng.int(0, MAX_SAFE);
  return n === 0 ? 0 : n; // never -0: it is not canonical, so it could not round-trip
}

export interface RandomJsonOptions {
  readonly maxDepth?: number;
  readonly maxBreadth?: number;
}

/** A random value that canonical JSON can encode: integers in range, no floats, no lone surrogates. */
export function randomJson(rng: Random, options: RandomJsonOptions = {}, depth = 0): JsonValue {
  const maxDepth = options.maxDepth ?? 4;
  const maxBreadth = options.maxBreadth ?? 6;
  const containers = depth < maxDepth;
  switch (rng.int(0, containers ? 6 : 4)) {
    case 0:
      return rng.pick([null, true, false]);
    case 1:
    case 2:
      return randomInteger(rng);
    case 3:
    case 4:
      return randomString(rng);
    case 5: {
      const items: JsonValue[] = [];
      for (let n = rng.int(0, maxBreadth); n > 0; n--) items.push(randomJson(rng, options, depth + 1));
      return items;
    }
    default: {
      const object: Record<string, JsonValue> = {};
      for (let n = rng.int(0, maxBreadth); n > 0; n--) {
        const key = rng.chance(0.3) ? rng.pick(AWKWARD_KEYS) : randomString(rng, 6);
        setOwn(object, key, randomJson(rng, options, depth + 1));
      }
      return object;
    }
  }
}

/** Sets `key` as an own enumerable property, even when the key is "__proto__". */
export function setOwn(object: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy with every object's keys inserted in a shuffled order. */
export function shuffleKeys(value: JsonValue, rng: Random): JsonValue {
  if (Array.isArray(value)) return value.map((v: JsonValue) => shuffleKeys(v, rng));
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  const out: Record<string, JsonValue> = {};
  const source = value as JsonObject;
  for (const key of keys) setOwn(out, key, shuffleKeys(source[key]!, rng));
  return out;
}
