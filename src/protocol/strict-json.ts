// Strict RFC 8259 JSON parsing: the checks JSON.parse skips (duplicate keys, Matrix integer range, depth, lone surrogates).
import type { JsonValue } from "./json-value";
import { err, ok, type Result } from "./result";

export type StrictJsonError = {
  readonly _tag: "StrictJsonError";
  readonly reason: "syntax" | "duplicate_key" | "invalid_number" | "too_deep" | "lone_surrogate";
  /** Offset in UTF-16 code units into the text where the problem was found. */
  readonly position: number;
};

export interface StrictJsonOptions {
  /**
   * Accept numbers written with a fraction or exponent (as JS numbers; they must be finite).
   * Numbers written as plain integers must still lie in the Matrix range [-(2^53)+1, 2^53-1].
   */
  readonly allowFloats?: boolean;
  /** Deepest nesting of arrays and objects allowed; the top-level container is depth 1. */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_JSON_DEPTH = 100;

const MAX_INTEGER = 2 ** 53 - 1;

type Reason = StrictJsonError["reason"];
/** Wraps an error so it can never be mistaken for a parsed value (which is never a class instance). */
class Failure {
  constructor(readonly error: StrictJsonError) {}
}
const fail = (reason: Reason, position: number): Failure => new Failure({ _tag: "StrictJsonError", reason, position });

type Frame =
  | { readonly array: JsonValue[]; readonly object?: undefined; key: string }
  | { readonly array?: undefined; readonly object: Record<string, JsonValue>; key: string };

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Strict JSON parser over one text; its methods return a Failure rather than throwing. */
class Parser {
  pos = 0;
  constructor(
    private readonly text: string,
    private readonly allowFloats: boolean,
    private readonly maxDepth: number,
  ) {}

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length && isWhitespace(t.charCodeAt(this.pos))) this.pos++;
  }

  /** Reads four hex digits at `at`, or -1. */
  hex4(at: number): number {
    const t = this.text;
    if (at + 4 > t.length) return -1;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const h = hexValue(t.charCodeAt(at + k));
      if (h < 0) return -1;
      v = (v << 4) | h;
    }
    return v;
  }

  /** Parses a string whose opening quote is at `pos`. */
  string(): string | Failure {
    const t = this.text;
    let i = this.pos + 1;
    let out = "";
    let runStart = i;
    for (;;) {
      if (i >= t.length) return fail("syntax", i);
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        out += t.slice(runStart, i);
        this.pos = i + 1;
        return out;
      }
      if (c < 0x20) return fail("syntax", i);
      if (c >= 0xd800 && c <= 0xdfff) {
        // Only a high surrogate directly followed by a low one is a real (astral) code point.
        const next = i + 1 < t.length ? t.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          i += 2;
          continue;
        }
        return fail("lone_surrogate", i);
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += t.slice(runStart, i);
      const e = i + 1 < t.length ? t.charCodeAt(i + 1) : -1;
      switch (e) {
        case 0x22: out += '"'; break;
        case 0x5c: out += "\\"; break;
        case 0x2f: out += "/"; break;
        case 0x62: out += "\b"; break;
        case 0x66: out += "\f"; break;
        case 0x6e: out += "\n"; break;
        case 0x72: out += "\r"; break;
        case 0x74: out += "\t"; break;
        case 0x75: {
          const u = this.hex4(i + 2);
          if (u < 0) return fail("syntax", i);
          if (u >= 0xdc00 && u <= 0xdfff) return fail("lone_surrogate", i);
          if (u >= 0xd800 && u <= 0xdbff) {
            const low = t.charCodeAt(i + 6) === 0x5c && t.charCodeAt(i + 7) === 0x75 ? this.hex4(i + 8) : -1;
            if (low < 0xdc00 || low > 0xdfff) return fail("lone_surrogate", i);
            out += String.fromCharCode(u, low);
            i += 12;
          } else {
            out += String.fromCharCode(u);
            i += 6;
          }
          runStart = i;
          continue;
        }
        default:
          return fail("syntax", i);
      }
      i += 2;
      runStart = i;
    }
  }

  number(): number | Failure {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    const first = t.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) while (isDigit(t.charCodeAt(i))) i++;
    else return fail("syntax", i);
    const intDigits = i - intStart;
    let integral = true;
    if (t.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(t.charCodeAt(i))) return fail("syntax", i);
      while (isDigit(t.charCodeAt(i))) i++;
      integral = false;
    }
    const e = t.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = t.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(t.charCodeAt(i))) return fail("syntax", i);
      while (isDigit(t.charCodeAt(i))) i++;
      integral = false;
    }
    this.pos = i;
    if (integral) {
      // 2^53-1 has 16 digits; longer literals are out of range and would lose precision in Number().
      if (intDigits > 16) return fail("invalid_number", start);
      const n = Number(t.slice(start, i));
      if (n > MAX_INTEGER || n < -MAX_INTEGER) return fail("invalid_number", start);
      return n === 0 ? 0 : n; // "-0" is valid JSON but canonical JSON has no negative zero
    }
    if (!this.allowFloats) return fail("invalid_number", start);
    const n = Number(t.slice(start, i));
    if (!Number.isFinite(n)) return fail("invalid_number", start);
    return n === 0 ? 0 : n;
  }

  literal(word: string, value: JsonValue): JsonValue | Failure {
    if (!this.text.startsWith(word, this.pos)) return fail("syntax", this.pos);
    this.pos += word.length;
    return value;
  }

  /** Reads `"key" :` for the object in `frame`, leaving `pos` at the value. */
  key(frame: Frame & { object: Record<string, JsonValue> }): Failure | undefined {
    this.skipWhitespace();
    const at = this.pos;
    if (this.text.charCodeAt(at) !== 0x22) return fail("syntax", at);
    const key = this.string();
    if (key instanceof Failure) return key;
    if (Object.hasOwn(frame.object, key)) return fail("duplicate_key", at);
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== 0x3a) return fail("syntax", this.pos);
    this.pos++;
    frame.key = key;
    return undefined;
  }

  /** Iterative (explicit stack) so a large maxDepth cannot overflow the call stack. */
  document(): JsonValue | Failure {
    const t = this.text;
    const stack: Frame[] = [];
    for (;;) {
      this.skipWhitespace();
      const c = t.charCodeAt(this.pos);
      let value: JsonValue | Failure;
      if (c === 0x7b || c === 0x5b) {
        if (stack.length >= this.maxDepth) return fail("too_deep", this.pos);
        this.pos++;
        this.skipWhitespace();
        if (c === 0x7b) {
          if (t.charCodeAt(this.pos) === 0x7d) {
            this.pos++;
            value = {};
          } else {
            const frame = { object: {} as Record<string, JsonValue>, key: "" };
            const e = this.key(frame);
            if (e) return e;
            stack.push(frame);
            continue;
          }
        } else if (t.charCodeAt(this.pos) === 0x5d) {
          this.pos++;
          value = [];
        } else {
          stack.push({ array: [], key: "" });
          continue;
        }
      } else if (c === 0x22) value = this.string();
      else if (c === 0x2d || isDigit(c)) value = this.number();
      else if (c === 0x74) value = this.literal("true", true);
      else if (c === 0x66) value = this.literal("false", false);
      else if (c === 0x6e) value = this.literal("null", null);
      else return fail("syntax", this.pos);

      // Attach the finished value to its parents, closing every container that ends here.
      for (;;) {
        if (value instanceof Failure) return value;
        const top = stack[stack.length - 1];
        if (!top) return value;
        if (top.array) top.array.push(value);
        else if (top.key === "__proto__") {
          // A plain assignment would set the prototype; "__proto__" must be an ordinary own key.
          Object.defineProperty(top.object, "__proto__", { value, enumerable: true, writable: true, configurable: true });
        } else top.object[top.key] = value;
        this.skipWhitespace();
        const d = t.charCodeAt(this.pos);
        if (d === 0x2c) {
          this.pos++;
          if (top.object) {
            const e = this.key(top);
            if (e) return e;
          }
          break;
        }
        if (d !== (top.array ? 0x5d : 0x7d)) return fail("syntax", this.pos);
        this.pos++;
        stack.pop();
        value = top.array ?? top.object;
      }
    }
  }
}

/**
 * Parses JSON text strictly: RFC 8259 syntax, no duplicate keys, integers within the Matrix
 * canonical range and no fractions or exponents (unless `allowFloats`), bounded nesting, no
 * unpaired surrogates. Whitespace around the value is allowed; anything else after it is not.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): Result<JsonValue, StrictJsonError> {
  const parser = new Parser(text, options.allowFloats ?? false, options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH);
  const value = parser.document();
  if (value instanceof Failure) return err(value.error);
  parser.skipWhitespace();
  if (parser.pos !== text.length) return err(fail("syntax", parser.pos).error);
  return ok(value);
}
