import { describe, expect, it } from "vitest";
import { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } from "../../../src/protocol/base64";
import { seededRandom } from "../../support/random-json";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const decoded = (r: ReturnType<typeof decodeBase64>): number[] => {
  if (!r.ok) throw new Error(`expected to decode, got ${r.error.reason}`);
  return Array.from(r.value);
};

/** appendices.md, "Unpadded Base64": the examples, verbatim. */
const SPEC_EXAMPLES: readonly (readonly [string, string])[] = [
  ["", ""],
  ["f", "Zg"],
  ["fo", "Zm8"],
  ["foo", "Zm9v"],
  ["foob", "Zm9vYg"],
  ["fooba", "Zm9vYmE"],
  ["foobar", "Zm9vYmFy"],
];

describe("unpadded base64: the appendix's examples", () => {
  it.each(SPEC_EXAMPLES)("UNPADDED_BASE64(%j) = %j", (plain, encoded) => {
    expect(encodeBase64(bytes(plain))).toBe(encoded);
    expect(encodeBase64Url(bytes(plain))).toBe(encoded); // no 62nd/63rd characters in these
    expect(decoded(decodeBase64(encoded))).toEqual(Array.from(bytes(plain)));
    expect(decoded(decodeBase64Url(encoded))).toEqual(Array.from(bytes(plain)));
  });

  it.each([
    ["Zg==", "f"],
    ["Zm8=", "fo"],
    ["Zm9v", "foo"],
    ["Zm9vYg==", "foob"],
    ["Zm9vYmE=", "fooba"],
  ])("also accepts the padded form %j", (padded, plain) => {
    expect(decoded(decodeBase64(padded))).toEqual(Array.from(bytes(plain)));
    expect(decoded(decodeBase64Url(padded))).toEqual(Array.from(bytes(plain)));
  });
});

describe("alphabets", () => {
  // 0xfb 0xff 0xbf uses values 62 and 63 in every position: "+/+/" vs "-_-_".
  const highBits = Uint8Array.of(0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe);

  it("uses + and / in standard and - and _ in URL-safe encoding", () => {
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff))).toBe("+/8");
    expect(encodeBase64Url(Uint8Array.of(0xfb, 0xff))).toBe("-_8");
    expect(encodeBase64(highBits)).toBe("++++++++");
    expect(encodeBase64Url(highBits)).toBe("--------");
    expect(encodeBase64(Uint8Array.of(0xff, 0xff, 0xff))).toBe("////");
    expect(encodeBase64Url(Uint8Array.of(0xff, 0xff, 0xff))).toBe("____");
  });

  it("maps every value 0–63 to the RFC 4648 table", () => {
    const standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (let v = 0; v < 64; v++) {
      // Three bytes whose first sextet is v and the rest zero.
      const encoded = encodeBase64(Uint8Array.of(v << 2, 0, 0));
      expect(encoded[0]).toBe(standard[v]);
      expect(encodeBase64Url(Uint8Array.of(v << 2, 0, 0))[0]).toBe(standard[v]!.replace("+", "-").replace("/", "_"));
    }
  });

  it("each decoder refuses the other alphabet's special characters", () => {
    expect(decodeBase64("-_8")).toEqual({ ok: false, error: { _tag: "Base64Error", reason: "invalid_character" } });
    expect(decodeBase64Url("+/8")).toEqual({ ok: false, error: { _tag: "Base64Error", reason: "invalid_character" } });
    expect(decoded(decodeBase64("+/8"))).toEqual([0xfb, 0xff]);
    expect(decoded(decodeBase64Url("-_8"))).toEqual([0xfb, 0xff]);
  });
});

describe("invalid input", () => {
  it.each(["Zm9v!A", "Zm 9", "Zm9\n", "Zm9.", "Zé", "Zm9\u0000", "=Zm9", "Zg=a", "Z=g=", "Zm==Zm9v"])(
    "refuses %j as an invalid character",
    (text) => {
      expect(decodeBase64(text)).toEqual({ ok: false, error: { _tag: "Base64Error", reason: "invalid_character" } });
      expect(decodeBase64Url(text).ok).toBe(false);
    },
  );

  it.each(["Z", "Zm9vY", "Zm9vYmFyZ", "Zg=", "Zm9vYg=", "Zm9v=", "Zm9v==", "Zg===", "=", "=="])(
    "refuses %j as an invalid length",
    (text) => {
      expect(decodeBase64(text)).toEqual({ ok: false, error: { _tag: "Base64Error", reason: "invalid_length" } });
      expect(decodeBase64Url(text)).toEqual({ ok: false, error: { _tag: "Base64Error", reason: "invalid_length" } });
    },
  );

  it("decodes the empty string to no bytes", () => {
    expect(decoded(decodeBase64(""))).toEqual([]);
  });
});

describe("round trips", () => {
  it("decode(encode(bytes)) = bytes for every length 0–200 and random content", () => {
    const rng = seededRandom(2024);
    for (let length = 0; length <= 200; length++) {
      const data = Uint8Array.from({ length }, () => rng.int(0, 255));
      const standard = encodeBase64(data);
      const urlSafe = encodeBase64Url(data);
      expect(standard.length).toBe(Math.ceil((length * 4) / 3));
      expect(standard).not.toContain("=");
      expect(urlSafe).toBe(standard.replaceAll("+", "-").replaceAll("/", "_"));
      expect(decoded(decodeBase64(standard))).toEqual(Array.from(data));
      expect(decoded(decodeBase64Url(urlSafe))).toEqual(Array.from(data));
      expect(decoded(decodeBase64(standard + "=".repeat((4 - (standard.length % 4)) % 4)))).toEqual(Array.from(data));
    }
  });

  it("agrees with Node's Buffer encoding", () => {
    const rng = seededRandom(99);
    for (let i = 0; i < 100; i++) {
      const data = Uint8Array.from({ length: rng.int(0, 64) }, () => rng.int(0, 255));
      expect(encodeBase64(data)).toBe(Buffer.from(data).toString("base64").replace(/=+$/, ""));
      expect(encodeBase64Url(data)).toBe(Buffer.from(data).toString("base64url"));
    }
  });

  it("encodes a 32-byte hash as 43 characters, the length of hash-based event IDs", () => {
    expect(encodeBase64Url(new Uint8Array(32)).length).toBe(43);
  });
});
