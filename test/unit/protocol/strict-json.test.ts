import { describe, expect, it } from "vitest";
import { parseStrictJson, type StrictJsonError } from "../../../src/protocol/strict-json";

const parses = (text: string, options?: Parameters<typeof parseStrictJson>[1]) => {
  const r = parseStrictJson(text, options);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${r.error.reason}@${r.error.position}`);
  return r.value;
};
const rejects = (text: string, options?: Parameters<typeof parseStrictJson>[1]): StrictJsonError => {
  const r = parseStrictJson(text, options);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  expect(r.error._tag).toBe("StrictJsonError");
  return r.error;
};

describe("parseStrictJson: accepted input", () => {
  it("parses every kind of value", () => {
    expect(parses("null")).toBe(null);
    expect(parses("true")).toBe(true);
    expect(parses("false")).toBe(false);
    expect(parses("0")).toBe(0);
    expect(parses("-12")).toBe(-12);
    expect(parses('"x"')).toBe("x");
    expect(parses("[]")).toEqual([]);
    expect(parses("{}")).toEqual({});
    expect(parses('{"a":[1,{"b":null}],"c":"d"}')).toEqual({ a: [1, { b: null }], c: "d" });
  });

  it("allows the four whitespace characters around and between tokens", () => {
    expect(parses(' \t\r\n{ "a" :\n[ 1 ,\t2 ] ,\r"b" : { } } \n')).toEqual({ a: [1, 2], b: {} });
    expect(parses("  7  ")).toBe(7);
  });

  it("matches JSON.parse on a mixed document", () => {
    const text = '{"users":[{"id":"@a:b","n":1,"ok":true},{"id":"@c:d","n":-5,"ok":false,"x":null}],"s":"\\"q\\" \\\\ \\/"}';
    expect(parses(text)).toEqual(JSON.parse(text));
  });

  it("decodes every escape", () => {
    expect(parses('"\\" \\\\ \\/ \\b \\f \\n \\r \\t"')).toBe('" \\ / \b \f \n \r \t');
    expect(parses('"\\u0041\\u00e9\\u65E5\\u0000"')).toBe("Aé日\u0000");
    expect(parses('"\\uD83D\\uDE00"')).toBe("😀");
  });

  it("keeps raw unicode, including astral characters and U+E000-U+FFFF", () => {
    expect(parses('"日本語 😀 \ue000 \uffff \u007f"')).toBe("日本語 😀 \ue000 \uffff \u007f");
    expect(parses('{"本":2,"日":1}')).toEqual({ 本: 2, 日: 1 });
  });

  it("accepts the integer range limits exactly", () => {
    expect(parses("9007199254740991")).toBe(2 ** 53 - 1);
    expect(parses("-9007199254740991")).toBe(-(2 ** 53) + 1);
    expect(parses("1000000000000000")).toBe(1e15);
  });

  it("reads -0 as 0, since canonical JSON has no negative zero", () => {
    expect(Object.is(parses("-0"), 0)).toBe(true);
  });

  it("accepts floats and exponents only when asked, as JS numbers", () => {
    expect(parses("1.5", { allowFloats: true })).toBe(1.5);
    expect(parses("-0.25e2", { allowFloats: true })).toBe(-25);
    expect(parses("1E+3", { allowFloats: true })).toBe(1000);
    expect(parses("[1e-3]", { allowFloats: true })).toEqual([0.001]);
    expect(Object.is(parses("-0.0", { allowFloats: true }), 0)).toBe(true);
  });

  it("makes __proto__ an ordinary own key and leaves the prototype alone", () => {
    const v = parses('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__", "a"]);
    expect(Object.getOwnPropertyDescriptor(v, "__proto__")?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(JSON.stringify(v)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it("treats keys named after Object.prototype members as ordinary keys", () => {
    const v = parses('{"constructor":1,"toString":2,"hasOwnProperty":3}') as Record<string, unknown>;
    expect(v).toEqual({ constructor: 1, toString: 2, hasOwnProperty: 3 });
  });

  it("allows nesting up to the default depth of 100", () => {
    expect(parses("[".repeat(100) + "]".repeat(100))).toBeDefined();
    expect(parses('{"a":'.repeat(100) + "1" + "}".repeat(100))).toBeDefined();
  });

  it("honours a custom depth limit, with scalars not counting as depth", () => {
    expect(parses("[[1]]", { maxDepth: 2 })).toEqual([[1]]);
    expect(parses("1", { maxDepth: 0 })).toBe(1);
    expect(parses("[".repeat(5000) + "]".repeat(5000), { maxDepth: 5000 })).toBeDefined();
  });
});

describe("parseStrictJson: rejected input", () => {
  it.each([
    ["", 0],
    ["   ", 3],
    ["{", 1],
    ["[", 1],
    ["[1,]", 3],
    ["[,1]", 1],
    ["{,}", 1],
    ['{"a":1,}', 7],
    ['{"a"}', 4],
    ['{"a" 1}', 5],
    ["{a:1}", 1],
    ["{'a':1}", 1],
    ["'a'", 0],
    ['"abc', 4],
    ["tru", 0],
    ["nul", 0],
    ["True", 0],
    ["NaN", 0],
    ["Infinity", 0],
    ["-Infinity", 1],
    ["+1", 0],
    ["-", 1],
    ["01", 1],
    ["-01", 2],
    [".5", 0],
    ["1.", 2],
    ["1.e3", 2],
    ["1e", 2],
    ["1e+", 3],
    ["0x10", 1],
    ["[1 2]", 3],
    ['{"a":1 "b":2}', 7],
    ["\ufeff{}", 0],
    ["\u00a0{}", 0],
    ["// c\n{}", 0],
  ])("syntax error in %j at %i", (text, position) => {
    expect(rejects(text)).toEqual({ _tag: "StrictJsonError", reason: "syntax", position });
  });

  it("rejects trailing garbage after the value", () => {
    expect(rejects("{} x")).toMatchObject({ reason: "syntax", position: 3 });
    expect(rejects("{}{}")).toMatchObject({ reason: "syntax", position: 2 });
    expect(rejects("1 2")).toMatchObject({ reason: "syntax", position: 2 });
    expect(rejects('"a""b"')).toMatchObject({ reason: "syntax", position: 3 });
    expect(rejects("null\u0000")).toMatchObject({ reason: "syntax", position: 4 });
  });

  it("rejects raw control characters and bad escapes in strings", () => {
    expect(rejects('"a\nb"')).toMatchObject({ reason: "syntax", position: 2 });
    expect(rejects('"\u0000"')).toMatchObject({ reason: "syntax", position: 1 });
    expect(rejects('"\u001f"')).toMatchObject({ reason: "syntax", position: 1 });
    expect(rejects('"\\a"')).toMatchObject({ reason: "syntax", position: 1 });
    expect(rejects('"\\x41"')).toMatchObject({ reason: "syntax", position: 1 });
    expect(rejects('"\\u12"')).toMatchObject({ reason: "syntax", position: 1 });
    expect(rejects('"\\u12g4"')).toMatchObject({ reason: "syntax", position: 1 });
    expect(rejects('"\\U0041"')).toMatchObject({ reason: "syntax", position: 1 });
    expect(rejects('"\\')).toMatchObject({ reason: "syntax", position: 1 });
  });

  it("rejects duplicate keys at the repeated key, at any depth", () => {
    expect(rejects('{"a":1,"a":2}')).toEqual({ _tag: "StrictJsonError", reason: "duplicate_key", position: 7 });
    expect(rejects('{"a":1,"b":{"c":1,"c":1}}')).toMatchObject({ reason: "duplicate_key", position: 18 });
    expect(rejects('[{"x":1},{"y":1,"y":1}]')).toMatchObject({ reason: "duplicate_key" });
    expect(rejects('{"__proto__":1,"__proto__":2}')).toMatchObject({ reason: "duplicate_key", position: 15 });
    expect(rejects('{"toString":1,"toString":1}')).toMatchObject({ reason: "duplicate_key" });
  });

  it("treats keys that differ only after escape decoding as duplicates", () => {
    expect(rejects('{"a":1,"\\u0061":2}')).toMatchObject({ reason: "duplicate_key", position: 7 });
  });

  it("still accepts the same key in sibling objects", () => {
    expect(parses('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("rejects integers outside [-(2^53)+1, 2^53-1]", () => {
    expect(rejects("9007199254740992")).toEqual({ _tag: "StrictJsonError", reason: "invalid_number", position: 0 });
    expect(rejects("-9007199254740992")).toMatchObject({ reason: "invalid_number", position: 0 });
    expect(rejects("9007199254740993")).toMatchObject({ reason: "invalid_number" });
    expect(rejects('{"n":12345678901234567890}')).toMatchObject({ reason: "invalid_number", position: 5 });
    expect(rejects("1" + "0".repeat(400))).toMatchObject({ reason: "invalid_number" });
  });

  it("rejects fractions and exponents by default", () => {
    expect(rejects("1.5")).toMatchObject({ reason: "invalid_number", position: 0 });
    expect(rejects("1.0")).toMatchObject({ reason: "invalid_number" });
    expect(rejects("1e10")).toMatchObject({ reason: "invalid_number" });
    expect(rejects("[0, -2E-1]")).toMatchObject({ reason: "invalid_number", position: 4 });
  });

  it("with allowFloats still rejects out-of-range integers and non-finite floats", () => {
    expect(rejects("9007199254740992", { allowFloats: true })).toMatchObject({ reason: "invalid_number" });
    expect(rejects("1e400", { allowFloats: true })).toMatchObject({ reason: "invalid_number" });
    expect(rejects("-1e400", { allowFloats: true })).toMatchObject({ reason: "invalid_number" });
    expect(rejects("1.", { allowFloats: true })).toMatchObject({ reason: "syntax" });
  });

  it("rejects nesting deeper than the limit, at the opening bracket", () => {
    expect(rejects("[".repeat(101) + "]".repeat(101))).toEqual({ _tag: "StrictJsonError", reason: "too_deep", position: 100 });
    expect(rejects('{"a":'.repeat(101) + "1" + "}".repeat(101))).toMatchObject({ reason: "too_deep", position: 500 });
    expect(rejects("[[[]]]", { maxDepth: 2 })).toMatchObject({ reason: "too_deep", position: 2 });
    expect(rejects("[{}]", { maxDepth: 1 })).toMatchObject({ reason: "too_deep", position: 1 });
    expect(rejects("[]", { maxDepth: 0 })).toMatchObject({ reason: "too_deep", position: 0 });
  });

  it("does not blow the stack on absurd nesting", () => {
    expect(rejects("[".repeat(1_000_000))).toMatchObject({ reason: "too_deep" });
  });

  it("rejects unpaired surrogate escapes", () => {
    expect(rejects('"\\ud800"')).toEqual({ _tag: "StrictJsonError", reason: "lone_surrogate", position: 1 });
    expect(rejects('"\\udc00"')).toMatchObject({ reason: "lone_surrogate", position: 1 });
    expect(rejects('"ab\\uDBFFx"')).toMatchObject({ reason: "lone_surrogate", position: 3 });
    expect(rejects('"\\ud800\\u0041"')).toMatchObject({ reason: "lone_surrogate" });
    expect(rejects('"\\ud800\\ud800"')).toMatchObject({ reason: "lone_surrogate" });
    expect(rejects('"\\ude00\\ud83d"')).toMatchObject({ reason: "lone_surrogate" });
    expect(rejects('{"\\ud800":1}')).toMatchObject({ reason: "lone_surrogate", position: 2 });
  });

  it("rejects unpaired surrogate code units in the text itself", () => {
    expect(rejects('"\ud800"')).toMatchObject({ reason: "lone_surrogate", position: 1 });
    expect(rejects('"x\udc00"')).toMatchObject({ reason: "lone_surrogate", position: 2 });
    expect(rejects('"\ud800')).toMatchObject({ reason: "lone_surrogate", position: 1 });
    // An escaped high half followed by a raw low half is not a pair in the UTF-8 wire form.
    expect(rejects('"\\ud83d\ude00"')).toMatchObject({ reason: "lone_surrogate", position: 1 });
  });
});

describe("parseStrictJson: large input", () => {
  const bigDocument = (): string => {
    const events = [];
    for (let i = 0; events.length < 400; i++) {
      events.push({
        event_id: `$event${i}:example.org`,
        type: "m.room.message",
        sender: `@user${i % 7}:example.org`,
        origin_server_ts: 1_700_000_000_000 + i,
        content: { body: `message ${i} \u00e9\u65e5 "quoted" \\ \n`, msgtype: "m.text", n: [i, -i, null, true] },
      });
    }
    return JSON.stringify({ events }, null, 1);
  };

  it("parses a ~64 KiB body quickly and the same as JSON.parse", () => {
    const text = bigDocument();
    expect(text.length).toBeGreaterThan(64 * 1024);
    const start = performance.now();
    for (let k = 0; k < 20; k++) parses(text);
    const elapsed = performance.now() - start;
    expect(parses(text)).toEqual(JSON.parse(text));
    expect(elapsed).toBeLessThan(2000);
  });

  it("stays linear on long strings, long arrays and long runs of escapes", () => {
    const longString = JSON.stringify("a".repeat(1 << 20));
    const manyEscapes = `"${"\\n\\u00e9".repeat(100_000)}"`;
    const longArray = `[${"1,".repeat(200_000)}1]`;
    const manyKeys = `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(",")}}`;
    const start = performance.now();
    expect((parses(longString) as string).length).toBe(1 << 20);
    expect((parses(manyEscapes) as string).length).toBe(200_000);
    expect((parses(longArray) as number[]).length).toBe(200_001);
    expect(Object.keys(parses(manyKeys) as object).length).toBe(50_000);
    expect(performance.now() - start).toBeLessThan(3000);
  });

  it("reports an error near the end of a big body at the right place", () => {
    const text = bigDocument();
    const broken = text.slice(0, -1) + ",}";
    expect(rejects(broken)).toMatchObject({ reason: "syntax", position: broken.length - 1 });
  });
});
