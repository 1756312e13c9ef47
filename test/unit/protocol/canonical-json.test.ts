import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  canonicalJsonBytes,
  compareCodePoints,
  encodeCanonicalJson,
  type CanonicalJsonError,
} from "../../../src/protocol/canonical-json";
import { parseStrictJson } from "../../../src/protocol/strict-json";

const canonical = (value: unknown): string => {
  const r = encodeCanonicalJson(value);
  if (!r.ok) throw new Error(`expected an encoding, got ${r.error.reason} at ${r.error.path}`);
  return r.value;
};
const refusal = (value: unknown): CanonicalJsonError => {
  const r = encodeCanonicalJson(value);
  if (r.ok) throw new Error(`expected a refusal, got ${r.value}`);
  return r.error;
};

/** appendices.md, "Canonical JSON" > "Examples": every input and expected output, verbatim. */
const SPEC_EXAMPLES: readonly (readonly [input: string, expected: string])[] = [
  [String.raw`{}`, String.raw`{}`],
  [
    String.raw`{
    "one": 1,
    "two": "Two"
}`,
    String.raw`{"one":1,"two":"Two"}`,
  ],
  [
    String.raw`{
    "b": "2",
    "a": "1"
}`,
    String.raw`{"a":"1","b":"2"}`,
  ],
  [String.raw`{"b":"2","a":"1"}`, String.raw`{"a":"1","b":"2"}`],
  [
    String.raw`{
    "auth": {
        "success": true,
        "mxid": "@john.doe:example.com",
        "profile": {
            "display_name": "John Doe",
            "three_pids": [
                {
                    "medium": "email",
                    "address": "john.doe@example.org"
                },
                {
                    "medium": "msisdn",
                    "address": "123456789"
                }
            ]
        }
    }
}`,
    String.raw`{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}`,
  ],
  [
    String.raw`{
    "a": "日本語"
}`,
    String.raw`{"a":"日本語"}`,
  ],
  [
    String.raw`{
    "本": 2,
    "日": 1
}`,
    String.raw`{"日":1,"本":2}`,
  ],
  [
    String.raw`{
    "a": "\u65E5"
}`,
    String.raw`{"a":"日"}`,
  ],
  [
    String.raw`{
    "a": null
}`,
    String.raw`{"a":null}`,
  ],
  [
    String.raw`{
    "a": -0,
    "b": 1e10
}`,
    String.raw`{"a":0,"b":10000000000}`,
  ],
];

describe("canonical JSON: the appendix's examples", () => {
  it("has all ten examples", () => {
    expect(SPEC_EXAMPLES).toHaveLength(10);
  });

  it.each(SPEC_EXAMPLES)("%s → %s", (input, expected) => {
    expect(canonical(JSON.parse(input))).toBe(expected);
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  it.each(SPEC_EXAMPLES)("the strict parser reads %s to the same canonical form", (input, expected) => {
    // The last example has an exponent, which strict parsing only takes when floats are allowed.
    const parsed = parseStrictJson(input, { allowFloats: true });
    expect(parsed.ok && canonical(parsed.value)).toBe(expected);
  });

  it("encodes the examples' output as UTF-8 bytes", () => {
    expect(Array.from(canonicalJsonBytes({ a: "日" }))).toEqual([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe6, 0x97, 0xa5, 0x22, 0x7d]);
    expect(new TextDecoder().decode(canonicalJsonBytes({ 本: 2, 日: 1 }))).toBe('{"日":1,"本":2}');
  });
});

describe("canonical JSON: key order by code point", () => {
  it("sorts astral characters after U+E000–U+FFFF, unlike UTF-16 order", () => {
    const value = { "😀": 5, "\uffff": 4, "\ue000": 3, é: 2, a: 1, "\ud7ff": 6 };
    // Code points: a (61) < é (E9) < U+D7FF < U+E000 < U+FFFF < U+1F600.
    expect(canonical(value)).toBe('{"a":1,"é":2,"\ud7ff":6,"\ue000":3,"\uffff":4,"😀":5}');
    // Plain JS sort compares UTF-16 units and would put 😀 (0xD83D…) before U+E000.
    expect(Object.keys(value).sort()).toEqual(["a", "é", "\ud7ff", "😀", "\ue000", "\uffff"]);
  });

  it("orders astral characters among themselves and prefixes before longer keys", () => {
    expect(canonical({ "\u{10ffff}": 1, "\u{10000}": 2, "𝄞": 3, "😀": 4 })).toBe('{"\u{10000}":2,"𝄞":3,"😀":4,"\u{10ffff}":1}');
    expect(canonical({ ab: 1, a: 2, "": 3, b: 4, B: 5, aa: 6 })).toBe('{"":3,"B":5,"a":2,"aa":6,"ab":1,"b":4}');
    expect(canonical({ "a😀": 1, "a\uffff": 2, a: 3 })).toBe('{"a":3,"a\uffff":2,"a😀":1}');
  });

  it("compareCodePoints agrees with comparing code point sequences", () => {
    const samples = ["", "a", "b", "aa", "é", "\ud7ff", "\ue000", "\uffff", "😀", "𝄞", "a😀", "a\uffff", "\u{10ffff}", "\u{10000}"];
    const byCodePoints = (x: string, y: string): number => {
      const a = Array.from(x, (c) => c.codePointAt(0)!);
      const b = Array.from(y, (c) => c.codePointAt(0)!);
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return a.length - b.length;
    };
    for (const x of samples) for (const y of samples) expect(Math.sign(compareCodePoints(x, y))).toBe(Math.sign(byCodePoints(x, y)));
  });

  it("sorts nested objects and leaves array order alone", () => {
    expect(canonical({ z: [3, 1, 2], a: { y: 1, x: [{ d: 1, c: 2 }] } })).toBe('{"a":{"x":[{"c":2,"d":1}],"y":1},"z":[3,1,2]}');
  });

  it("treats __proto__ as an ordinary key", () => {
    const parsed = parseStrictJson('{"b":1,"__proto__":{"x":1},"a":2}');
    expect(parsed.ok && canonical(parsed.value)).toBe('{"__proto__":{"x":1},"a":2,"b":1}');
  });
});

describe("canonical JSON: strings", () => {
  it("uses the short escapes and lowercase \\u00XX for other controls, and nothing else", () => {
    expect(canonical("\b\t\n\f\r")).toBe(String.raw`"\b\t\n\f\r"`);
    expect(canonical('"\\')).toBe(String.raw`"\"\\"`);
    expect(canonical("\u0000\u0001\u000b\u000e\u001f")).toBe(String.raw`"\u0000\u0001\u000b\u000e\u001f"`);
    expect(canonical("/")).toBe('"/"');
    expect(canonical("\u007f\u0080\u2028\u2029\ufeff")).toBe('"\u007f\u0080\u2028\u2029\ufeff"');
    expect(canonical("😀")).toBe('"😀"');
  });

  it("escapes exactly the characters the appendix grammar lists", () => {
    for (let c = 0; c < 0x80; c++) {
      const out = canonical(String.fromCharCode(c));
      if (c < 0x20 || c === 0x22 || c === 0x5c) expect(out.length).toBeGreaterThan(3);
      else expect(out).toBe(`"${String.fromCharCode(c)}"`);
    }
  });

  it("refuses lone surrogates in values and keys", () => {
    expect(refusal("\ud800")).toMatchObject({ _tag: "CanonicalJsonError", reason: "lone_surrogate" });
    expect(refusal("a\udc00b")).toMatchObject({ reason: "lone_surrogate" });
    expect(refusal("\ude00\ud83d")).toMatchObject({ reason: "lone_surrogate" });
    expect(refusal({ a: ["ok", "\udbff"] })).toMatchObject({ reason: "lone_surrogate", path: "$.a[1]" });
    expect(refusal({ "\ud800": 1 })).toMatchObject({ reason: "lone_surrogate" });
    expect(canonical("\ud83d\ude00")).toBe('"😀"');
  });
});

describe("canonical JSON: numbers", () => {
  it("writes integers plainly, across the whole range", () => {
    expect(canonical([0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 1e15])).toBe("[0,-1,9007199254740991,-9007199254740991,1000000000000000]");
    expect(canonical(-0)).toBe("0");
    expect(canonical(1e10)).toBe("10000000000");
  });

  it("refuses floats", () => {
    expect(refusal(1.5)).toEqual({ _tag: "CanonicalJsonError", reason: "float", path: "$" });
    expect(refusal({ a: { b: [0.1] } })).toEqual({ _tag: "CanonicalJsonError", reason: "float", path: "$.a.b[0]" });
    expect(refusal(Number.NaN).reason).toBe("float");
    expect(refusal(Number.POSITIVE_INFINITY).reason).toBe("float");
    expect(refusal(-1e-7).reason).toBe("float");
  });

  it("refuses integers outside [-(2^53)+1, 2^53-1]", () => {
    expect(refusal(2 ** 53)).toEqual({ _tag: "CanonicalJsonError", reason: "integer_out_of_range", path: "$" });
    expect(refusal(-(2 ** 53)).reason).toBe("integer_out_of_range");
    expect(refusal({ n: 1e21 })).toMatchObject({ reason: "integer_out_of_range", path: "$.n" });
  });

  it("canonicalJson throws on what encodeCanonicalJson refuses", () => {
    expect(() => canonicalJson({ a: 0.5 })).toThrow(/float/);
    expect(() => canonicalJsonBytes(2 ** 53)).toThrow(/integer_out_of_range/);
  });
});

describe("canonical JSON: other values", () => {
  it("encodes literals, empty containers and nesting", () => {
    expect(canonical(null)).toBe("null");
    expect(canonical(true)).toBe("true");
    expect(canonical(false)).toBe("false");
    expect(canonical([])).toBe("[]");
    expect(canonical([[], {}, [{}]])).toBe("[[],{},[{}]]");
  });

  it("omits undefined object members, as the signing code relies on", () => {
    expect(canonical({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it("refuses values JSON cannot carry", () => {
    expect(refusal(undefined).reason).toBe("unsupported_value");
    expect(refusal([undefined]).reason).toBe("unsupported_value");
    expect(refusal({ f: () => 1 }).reason).toBe("unsupported_value");
    expect(refusal(10n).reason).toBe("unsupported_value");
    expect(refusal(Symbol("s")).reason).toBe("unsupported_value");
  });
});
