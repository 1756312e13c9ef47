import { describe, expect, it } from "vitest";
import { encodeCanonicalJson } from "../../../src/protocol/canonical-json";
import type { JsonValue } from "../../../src/protocol/json-value";
import { parseStrictJson } from "../../../src/protocol/strict-json";
import { randomJson, seededRandom, shuffleKeys, type Random } from "../../support/random-json";

const CASES = 400;
const SEEDS = [1, 42, 0xdecafbad];

const canonical = (value: unknown): string => {
  const r = encodeCanonicalJson(value);
  if (!r.ok) throw new Error(`not encodable: ${r.error.reason} at ${r.error.path}`);
  return r.value;
};
const strictParse = (text: string): JsonValue => {
  const r = parseStrictJson(text);
  if (!r.ok) throw new Error(`strict parse failed: ${r.error.reason} at ${r.error.position} in ${text}`);
  return r.value;
};

/** Runs `check` on CASES generated values for each seed, naming the seed and case on failure. */
function forAll(check: (value: JsonValue, rng: Random) => void): void {
  for (const seed of SEEDS) {
    const rng = seededRandom(seed);
    for (let i = 0; i < CASES; i++) {
      const value = randomJson(rng);
      try {
        check(value, rng);
      } catch (e) {
        throw new Error(`seed ${seed}, case ${i}: ${(e as Error).message}\nvalue: ${JSON.stringify(value)}`);
      }
    }
  }
}

/** An independent reference: sort keys by code point sequence, then JSON.stringify without spaces. */
function referenceCanonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);
  const keys = Object.keys(value).sort((x, y) => {
    const a = codePoints(x);
    const b = codePoints(y);
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  const record = value as Record<string, JsonValue>;
  return `{${keys.map((k) => `${JSON.stringify(k)}:${referenceCanonical(record[k]!)}`).join(",")}}`;
}

/** Whitespace outside string literals; canonical output must have none. */
function hasInsignificantWhitespace(text: string): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === " " || c === "\t" || c === "\n" || c === "\r") return true;
  }
  return false;
}

describe("canonical JSON properties over seeded random values", () => {
  it("the generator is deterministic", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    for (let i = 0; i < 20; i++) expect(JSON.stringify(randomJson(a))).toBe(JSON.stringify(randomJson(b)));
  });

  it("the generator reaches the awkward cases the properties are meant to cover", () => {
    const seen = new Set<string>();
    const visit = (v: JsonValue, depth: number): void => {
      if (depth >= 3) seen.add("depth 3");
      if (typeof v === "number" && Math.abs(v) > 2 ** 32) seen.add("big integer");
      if (v === 2 ** 53 - 1 || v === -(2 ** 53) + 1) seen.add("range limit");
      if (typeof v === "string" && /[\ud800-\udbff]/.test(v)) seen.add("astral");
      if (typeof v === "string" && /[\u0000-\u001f]/.test(v)) seen.add("control");
      if (Array.isArray(v)) v.forEach((x: JsonValue) => visit(x, depth + 1));
      else if (v !== null && typeof v === "object") {
        const keys = Object.keys(v);
        if (keys.includes("__proto__")) seen.add("__proto__ key");
        if (keys.some((k) => /[\ud800-\udbff]/.test(k)) && keys.some((k) => /[\ue000-\uffff]/.test(k))) seen.add("astral vs E000");
        for (const k of keys) visit((v as Record<string, JsonValue>)[k]!, depth + 1);
      }
    };
    const rng = seededRandom(SEEDS[0]!);
    for (let i = 0; i < CASES; i++) visit(randomJson(rng), 0);
    expect([...seen].sort()).toEqual(
      ["depth 3", "big integer", "range limit", "astral", "control", "__proto__ key", "astral vs E000"].sort(),
    );
  });

  it("canonical form is a fixed point: canonical(parse(canonical(x))) = canonical(x)", () => {
    forAll((value) => {
      const once = canonical(value);
      expect(canonical(strictParse(once))).toBe(once);
      expect(canonical(JSON.parse(once))).toBe(once);
    });
  });

  it("the strict parser reads canonical output back to the same value", () => {
    forAll((value) => {
      expect(strictParse(canonical(value))).toEqual(value);
    });
  });

  it("key insertion order does not change the output", () => {
    forAll((value, rng) => {
      expect(canonical(shuffleKeys(value, rng))).toBe(canonical(value));
    });
  });

  it("the output has no insignificant whitespace and matches a reference encoder", () => {
    forAll((value) => {
      const out = canonical(value);
      expect(hasInsignificantWhitespace(out)).toBe(false);
      expect(out).toBe(referenceCanonical(value));
    });
  });

  it("pretty-printed input parses back to the same canonical form", () => {
    forAll((value) => {
      expect(canonical(strictParse(JSON.stringify(value, null, 2)))).toBe(canonical(value));
    });
  });
});
