import { describe, expect, it } from "vitest";
import {
  type BackedUpKey,
  backedUpKeyJson,
  backedUpKeyRank,
  parseBackedUpKey,
  replacesBackedUpKey,
} from "../../../../src/protocol/key-backup/backed-up-key";

const key = (isVerified: boolean, firstMessageIndex: number, forwardedCount: number): BackedUpKey => ({
  isVerified,
  firstMessageIndex,
  forwardedCount,
  sessionData: { ciphertext: `${isVerified}-${firstMessageIndex}-${forwardedCount}` },
});

describe("replacesBackedUpKey (spec: which key of a session the backup keeps)", () => {
  it("stores a key for a session the backup does not hold", () => {
    expect(replacesBackedUpKey(undefined, key(false, 9, 9))).toBe(true);
  });

  it("keeps the verified key when is_verified differs, whatever the other fields", () => {
    expect(replacesBackedUpKey(key(false, 0, 0), key(true, 100, 100))).toBe(true);
    expect(replacesBackedUpKey(key(true, 100, 100), key(false, 0, 0))).toBe(false);
  });

  it("with the same is_verified, keeps the lower first_message_index, whatever forwarded_count", () => {
    expect(replacesBackedUpKey(key(true, 10, 0), key(true, 5, 50))).toBe(true);
    expect(replacesBackedUpKey(key(true, 5, 50), key(true, 10, 0))).toBe(false);
    expect(replacesBackedUpKey(key(false, 10, 0), key(false, 5, 50))).toBe(true);
  });

  it("with both equal, keeps the lower forwarded_count", () => {
    expect(replacesBackedUpKey(key(false, 3, 2), key(false, 3, 1))).toBe(true);
    expect(replacesBackedUpKey(key(false, 3, 1), key(false, 3, 2))).toBe(false);
  });

  it("keeps the stored key when all three are equal", () => {
    expect(replacesBackedUpKey(key(true, 3, 1), { ...key(true, 3, 1), sessionData: { other: "data" } })).toBe(false);
  });

  it("orders ranks as strings exactly as the rule, up to the largest JSON integers", () => {
    const big = Number.MAX_SAFE_INTEGER;
    const ordered = [key(false, big, big), key(false, big, 0), key(false, 16, 0), key(false, 15, 255), key(false, 0, 1), key(false, 0, 0), key(true, big, big), key(true, 0, 0)];
    const ranks = ordered.map(backedUpKeyRank);
    expect(ranks.every((r) => r.length === ranks[0]!.length)).toBe(true);
    expect([...ranks].sort()).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
  });
});

describe("parseBackedUpKey", () => {
  const valid = { first_message_index: 1, forwarded_count: 0, is_verified: true, session_data: { ephemeral: "e", ciphertext: "c", mac: "m" } };

  it("reads the four fields and drops others", () => {
    const parsed = parseBackedUpKey({ ...valid, extra: 1 }, "key");
    expect(parsed).toEqual({ ok: true, value: { firstMessageIndex: 1, forwardedCount: 0, isVerified: true, sessionData: valid.session_data } });
    if (parsed.ok) expect(backedUpKeyJson(parsed.value)).toEqual(valid);
  });

  it("refuses session_data over 64 KiB as too large", () => {
    const parsed = parseBackedUpKey({ ...valid, session_data: { c: "x".repeat(65_536) } }, "key");
    expect(parsed.ok ? "ok" : parsed.error.reason).toBe("too_large");
    expect(parseBackedUpKey({ ...valid, session_data: { c: "x".repeat(65_000) } }, "key").ok).toBe(true);
  });

  it.each([
    ["not an object", []],
    ["missing first_message_index", { ...valid, first_message_index: undefined }],
    ["negative first_message_index", { ...valid, first_message_index: -1 }],
    ["fractional first_message_index", { ...valid, first_message_index: 1.5 }],
    ["string forwarded_count", { ...valid, forwarded_count: "0" }],
    ["missing is_verified", { ...valid, is_verified: undefined }],
    ["non-boolean is_verified", { ...valid, is_verified: 1 }],
    ["missing session_data", { ...valid, session_data: undefined }],
    ["string session_data", { ...valid, session_data: "data" }],
  ])("refuses %s as bad JSON", (_name, value) => {
    const parsed = parseBackedUpKey(JSON.parse(JSON.stringify(value)) as never, "key");
    expect(parsed.ok ? "ok" : parsed.error.reason).toBe("bad_json");
  });
});
