// Canonical JSON (spec appendix "Canonical JSON"): the byte form that is hashed and signed.
import { err, ok, type Result } from "./result";

export const MAX_SAFE_INTEGER = 2 ** 53 - 1;
export const MIN_SAFE_INTEGER = -(2 ** 53) + 1;

export type CanonicalJsonError = {
  readonly _tag: "CanonicalJsonError";
  readonly reason:
    | "float"
    | "integer_out_of_range"
    | "lone_surrogate"
    | "unsupported_value";
  readonly path: string;
};

/** Compares two strings by Unicode code point (not by UTF-16 code unit, as `<` does). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF, so they sort after 0xE000–0xFFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function encodeString(s: string, path: string): string | CanonicalJsonError {
  if (LONE_SURROGATE.test(s)) return { _tag: "CanonicalJsonError", reason: "lone_surrogate", path };
  // JSON.stringify escapes exactly what the canonical grammar requires: `"`, `\`, the short
  // escapes \b \t \n \f \r, other C0 controls as lowercase \u00XX, and nothing else.
  return JSON.stringify(s);
}

function encode(value: unknown, path: string, out: string[]): CanonicalJsonError | undefined {
  if (value === null) {
    out.push("null");
    return undefined;
  }
  switch (typeof value) {
    case "boolean":
      out.push(value ? "true" : "false");
      return undefined;
    case "number": {
      if (!Number.isInteger(value)) return { _tag: "CanonicalJsonError", reason: "float", path };
      if (value > MAX_SAFE_INTEGER || value < MIN_SAFE_INTEGER)
        return { _tag: "CanonicalJsonError", reason: "integer_out_of_range", path };
      out.push(Object.is(value, -0) ? "0" : String(value));
      return undefined;
    }
    case "string": {
      const s = encodeString(value, path);
      if (typeof s !== "string") return s;
      out.push(s);
      return undefined;
    }
    case "object": {
      if (Array.isArray(value)) {
        out.push("[");
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(",");
          const e = encode(value[i], `${path}[${i}]`, out);
          if (e) return e;
        }
        out.push("]");
        return undefined;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort(compareCodePoints);
      out.push("{");
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (i > 0) out.push(",");
        const k = encodeString(key, path);
        if (typeof k !== "string") return k;
        out.push(k, ":");
        const e = encode(record[key], `${path}.${key}`, out);
        if (e) return e;
      }
      out.push("}");
      return undefined;
    }
    default:
      return { _tag: "CanonicalJsonError", reason: "unsupported_value", path };
  }
}

/** Encodes a value as canonical JSON text, or names why it cannot be. Undefined members are omitted. */
export function encodeCanonicalJson(value: unknown): Result<string, CanonicalJsonError> {
  const out: string[] = [];
  const e = encode(value, "$", out);
  return e ? err(e) : ok(out.join(""));
}

/** Canonical JSON for values already known to be valid (our own events); throws on invalid input. */
export function canonicalJson(value: unknown): string {
  const r = encodeCanonicalJson(value);
  if (!r.ok) throw new Error(`not canonical-JSON encodable: ${r.error.reason} at ${r.error.path}`);
  return r.value;
}

const utf8 = new TextEncoder();
/** The UTF-8 bytes of the canonical form: what is hashed and signed. */
export const canonicalJsonBytes = (value: unknown): Uint8Array => utf8.encode(canonicalJson(value));
