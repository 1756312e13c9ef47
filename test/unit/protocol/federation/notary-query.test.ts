// Notary queries: the POST body and GET parameters, and when a cached response answers them.
import { describe, expect, it } from "vitest";
import { cachedAnswerSuffices, MAX_NOTARY_SERVERS, parseNotaryBody, parseNotaryGet } from "../../../../src/protocol/federation/notary-query";

describe("notary queries", () => {
  it("reads the spec's example body", () => {
    const r = parseNotaryBody({ server_keys: { "example.org": { "ed25519:abc123": { minimum_valid_until_ts: 1234567890 } } } });
    expect(r).toEqual({ ok: true, value: [{ serverName: "example.org", keyIds: ["ed25519:abc123"], minimumValidUntilTs: 1234567890 }] });
  });

  it("takes no key IDs as all keys, and the latest minimum of several", () => {
    const r = parseNotaryBody({ server_keys: { "a.example": {}, "b.example": { "ed25519:x": { minimum_valid_until_ts: 5 }, "ed25519:y": { minimum_valid_until_ts: 9 }, "ed25519:z": {} } } });
    expect(r.ok && r.value).toEqual([
      { serverName: "a.example", keyIds: [], minimumValidUntilTs: undefined },
      { serverName: "b.example", keyIds: ["ed25519:x", "ed25519:y", "ed25519:z"], minimumValidUntilTs: 9 },
    ]);
    expect(parseNotaryBody({ server_keys: {} })).toEqual({ ok: true, value: [] });
  });

  it("refuses bodies outside the schema", () => {
    for (const bad of [
      {},
      { server_keys: [] },
      { server_keys: { "a.example": [] } },
      { server_keys: { "a.example": { k: 1 } } },
      { server_keys: { "a.example": { k: { minimum_valid_until_ts: "1" } } } },
      { server_keys: { "not a name": {} } },
      { server_keys: Object.fromEntries(Array.from({ length: MAX_NOTARY_SERVERS + 1 }, (_, i) => [`s${i}.example`, {}])) },
    ]) {
      const r = parseNotaryBody(bad);
      expect(r.ok ? "ok" : r.error.reason, JSON.stringify(bad).slice(0, 80)).toBe("bad_body");
    }
  });

  it("reads the GET parameters", () => {
    expect(parseNotaryGet("example.org", undefined)).toEqual({ ok: true, value: { serverName: "example.org", keyIds: [], minimumValidUntilTs: undefined } });
    expect(parseNotaryGet("example.org", "42")).toMatchObject({ ok: true, value: { minimumValidUntilTs: 42 } });
    expect(parseNotaryGet("example.org", "soon")).toMatchObject({ ok: false, error: { reason: "bad_param" } });
    expect(parseNotaryGet("bad name", undefined)).toMatchObject({ ok: false, error: { reason: "bad_param" } });
  });

  it("answers from the cache when valid long enough and holding every asked key", () => {
    const cached = { validUntilTs: 100, keyIds: ["ed25519:a", "ed25519:old"] };
    const q = (keyIds: string[], min?: number) => ({ serverName: "s", keyIds, minimumValidUntilTs: min });
    expect(cachedAnswerSuffices(cached, q([]), 50)).toBe(true);
    expect(cachedAnswerSuffices(cached, q([]), 150)).toBe(false);
    expect(cachedAnswerSuffices(cached, q(["ed25519:old"], 100), 150)).toBe(true);
    expect(cachedAnswerSuffices(cached, q(["ed25519:new"]), 50)).toBe(false);
    expect(cachedAnswerSuffices(cached, q([], 101), 50)).toBe(false);
  });
});
