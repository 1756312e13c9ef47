// typePatternToGlob: the GLOB form agrees with the filter's own pattern matching (checked against a GLOB matcher written here).
import { describe, expect, it } from "vitest";
import { typePatternMatches } from "../../../../src/protocol/filters/event-filter-match";
import { typePatternToGlob } from "../../../../src/protocol/filters/type-glob";

/** SQLite GLOB semantics for `*`, `?` and one-character classes `[c]`, enough to check the translation. */
function glob(pattern: string, text: string): boolean {
  const tokens: ({ kind: "star" } | { kind: "any" } | { kind: "lit"; c: string })[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") tokens.push({ kind: "star" });
    else if (c === "?") tokens.push({ kind: "any" });
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      tokens.push({ kind: "lit", c: pattern.slice(i + 1, close) });
      i = close;
    } else tokens.push({ kind: "lit", c });
  }
  const match = (t: number, s: number): boolean => {
    if (t === tokens.length) return s === text.length;
    const token = tokens[t]!;
    if (token.kind === "star") return Array.from({ length: text.length - s + 1 }, (_, k) => s + k).some((k) => match(t + 1, k));
    if (s >= text.length) return false;
    if (token.kind === "any" || token.c === text[s]) return match(t + 1, s + 1);
    return false;
  };
  return match(0, 0);
}

describe("typePatternToGlob", () => {
  const cases: [string, string][] = [
    ["m.room.*", "m.room.message"],
    ["m.room.*", "m.roomy"],
    ["m.*.message", "m.room.message"],
    ["a?c", "abc"],
    ["a?c", "a?c"],
    ["[x]", "x"],
    ["[x]", "[x]"],
    ["*", ""],
    ["M.ROOM.*", "m.room.message"],
    ["x]y", "x]y"],
    ["*[*", "ab[c"],
  ];
  it.each(cases)("%s against %s agrees with typePatternMatches", (pattern, type) => {
    expect(glob(typePatternToGlob(pattern), type)).toBe(typePatternMatches(pattern, type));
  });
  it("escapes only ? and [", () => {
    expect(typePatternToGlob("a?b[c]*")).toBe("a[?]b[[]c]*");
  });
});
