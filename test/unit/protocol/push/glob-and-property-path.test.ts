// Glob-style matching and dot-separated property paths, from the appendices and the push module's examples.
import { describe, expect, it } from "vitest";
import { compileGlob, globMatchesWhole, globMatchesWords, literalGlob } from "../../../../src/protocol/push/glob-pattern";
import {
  escapePropertyName,
  formatPropertyPath,
  lookupPropertyPath,
  parsePropertyPath,
} from "../../../../src/protocol/push/property-path";

const whole = (pattern: string, value: string) => globMatchesWhole(compileGlob(pattern), value);
const words = (pattern: string, value: string) => globMatchesWords(compileGlob(pattern), value);

describe("glob matching of a whole value", () => {
  it("matches the spec's lunc?* examples", () => {
    expect(whole("lunc?*", "Lunch plans")).toBe(true);
    expect(whole("lunc?*", "LUNCH")).toBe(true);
    expect(whole("lunc?*", " lunch")).toBe(false);
    expect(whole("lunc?*", "lunc")).toBe(false);
  });

  it("treats * as zero or more and ? as exactly one character", () => {
    expect(whole("*", "")).toBe(true);
    expect(whole("a*b", "ab")).toBe(true);
    expect(whole("a*b", "axxxb")).toBe(true);
    expect(whole("a*b", "axxxbc")).toBe(false);
    expect(whole("a?b", "ab")).toBe(false);
    expect(whole("a?b", "acb")).toBe(true);
    expect(whole("?", "😀")).toBe(true);
    expect(whole("m.room.*", "m.room.message")).toBe(true);
    expect(whole("m.room.*", "m.roomXmessage")).toBe(false);
  });

  it("is case-insensitive and takes other characters literally", () => {
    expect(whole("M.Notice", "m.notice")).toBe(true);
    expect(whole("[a]", "[A]")).toBe(true);
    expect(whole("[a]", "a")).toBe(false);
    expect(whole("a+", "aa")).toBe(false);
  });

  it("does not blow up on many stars", () => {
    expect(whole("*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000))).toBe(false);
  });
});

describe("word-boundary matching for content.body", () => {
  it("matches the spec's ex*ple examples", () => {
    expect(words("ex*ple", "An example event.")).toBe(true);
    expect(words("ex*ple", "exple")).toBe(true);
    expect(words("ex*ple", "An exciting triple-whammy")).toBe(true);
  });

  it("needs a boundary on both sides", () => {
    expect(words("cake", "I like cake!")).toBe(true);
    expect(words("cake", "cakes")).toBe(false);
    expect(words("cake", "cupcake")).toBe(false);
    expect(words("cake", "cake_time")).toBe(false);
    expect(words("cake", "cake-time")).toBe(true);
    expect(words("cake", "CAKE")).toBe(true);
    expect(words("cake", "")).toBe(false);
  });

  it("lets a pattern begin or end with a non-word character", () => {
    expect(words("@room", "hello @room")).toBe(true);
    expect(words("@room", "hello@room")).toBe(false);
  });

  it("matches a display name literally", () => {
    expect(globMatchesWords(literalGlob("Al*ce"), "hi Al*ce")).toBe(true);
    expect(globMatchesWords(literalGlob("Al*ce"), "hi Alice")).toBe(false);
  });
});

describe("dot-separated property paths", () => {
  it("splits on unescaped dots", () => {
    expect(parsePropertyPath("content.body")).toEqual(["content", "body"]);
    expect(parsePropertyPath("type")).toEqual(["type"]);
  });

  it("unescapes \\. and \\\\ only", () => {
    expect(parsePropertyPath("content.m\\.relates_to")).toEqual(["content", "m.relates_to"]);
    expect(parsePropertyPath("content.m\\\\foo")).toEqual(["content", "m\\foo"]);
    expect(parsePropertyPath("content.m\\xfoo")).toEqual(["content", "m\\xfoo"]);
    expect(parsePropertyPath("a\\\\.b")).toEqual(["a\\", "b"]);
    expect(parsePropertyPath("a\\")).toEqual(["a\\"]);
  });

  it("escapes names so that parsing round-trips", () => {
    expect(escapePropertyName("m.relates_to")).toBe("m\\.relates_to");
    expect(escapePropertyName("m\\foo")).toBe("m\\\\foo");
    const names = ["content", "a.b\\c", "x"];
    expect(parsePropertyPath(formatPropertyPath(names))).toEqual(names);
  });

  it("looks up through objects only", () => {
    const event = { content: { "m.relates_to": { rel_type: "m.replace" }, list: [{ a: 1 }] } };
    expect(lookupPropertyPath(event, "content.m\\.relates_to.rel_type")).toBe("m.replace");
    expect(lookupPropertyPath(event, "content.m.relates_to.rel_type")).toBeUndefined();
    expect(lookupPropertyPath(event, "content.list.0.a")).toBeUndefined();
    expect(lookupPropertyPath(event, "content.missing")).toBeUndefined();
    expect(lookupPropertyPath(event, "toString")).toBeUndefined();
  });
});
