// A remote server's key response: accepted only when it names the asked server and its verify keys sign it; the 7-day cap.
import { describe, expect, it } from "vitest";
import { encodeBase64 } from "../../../../src/protocol/base64";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { prepareSigningKey, signJson } from "../../../../src/protocol/signing";
import {
  cappedValidUntil,
  MAX_KEY_VALIDITY_MS,
  verifyServerKeyResponse,
} from "../../../../src/protocol/federation/server-key-response";

const key = prepareSigningKey("ed25519:a1", new Uint8Array(32).fill(1));
const intruder = prepareSigningKey("ed25519:a1", new Uint8Array(32).fill(2));
const oldKey = prepareSigningKey("ed25519:old", new Uint8Array(32).fill(3));

const unsigned = (over: JsonObject = {}): JsonObject => ({
  server_name: "remote.example",
  verify_keys: { [key.keyId]: { key: encodeBase64(key.publicKey) } },
  old_verify_keys: { [oldKey.keyId]: { key: encodeBase64(oldKey.publicKey), expired_ts: 500 } },
  valid_until_ts: 10_000,
  ...over,
});
const reason = (body: unknown, server = "remote.example") => {
  const r = verifyServerKeyResponse(body, server);
  return r.ok ? "ok" : r.error.reason;
};

describe("verifyServerKeyResponse", () => {
  it("accepts a self-signed response and reads current and old keys", () => {
    const body = signJson(unsigned(), "remote.example", key);
    const r = verifyServerKeyResponse(body, "remote.example");
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.verifyKeys.map((k) => [k.keyId, encodeBase64(k.publicKey)])).toEqual([["ed25519:a1", encodeBase64(key.publicKey)]]);
    expect(r.value.oldVerifyKeys).toEqual([{ keyId: "ed25519:old", publicKey: oldKey.publicKey, expiredTs: 500 }]);
    expect(r.value.validUntilTs).toBe(10_000);
    expect(r.value.response).toBe(body);
  });

  it("refuses a response for another server, even one signed by it", () => {
    const body = signJson(unsigned({ server_name: "other.example" }), "other.example", key);
    expect(reason(body)).toBe("wrong_server");
  });

  it("refuses a response not signed by its own verify keys", () => {
    expect(reason(unsigned())).toBe("unsigned");
    expect(reason(signJson(unsigned(), "notary.example", key))).toBe("unsigned");
    // Signed by the old key only: old keys do not vouch for the current list.
    expect(reason(signJson(unsigned(), "remote.example", oldKey))).toBe("unsigned");
  });

  it("refuses a signature that does not verify, and a tampered response", () => {
    expect(reason(signJson(unsigned(), "remote.example", intruder))).toBe("bad_signature");
    const body = signJson(unsigned(), "remote.example", key);
    expect(reason({ ...body, valid_until_ts: 20_000 })).toBe("bad_signature");
  });

  it("refuses malformed fields", () => {
    const sign = (over: JsonObject) => signJson(unsigned(over), "remote.example", key);
    expect(reason(sign({ valid_until_ts: "soon" }))).toBe("malformed");
    expect(reason(sign({ verify_keys: [] }))).toBe("malformed");
    expect(reason(sign({ old_verify_keys: { "ed25519:x": { key: encodeBase64(key.publicKey) } } }))).toBe("malformed");
    expect(reason(sign({ verify_keys: { [key.keyId]: { key: "short" } } }))).toBe("malformed");
    expect(reason(null)).toBe("malformed");
  });

  it("skips keys of unknown algorithms", () => {
    const body = signJson(
      unsigned({ verify_keys: { [key.keyId]: { key: encodeBase64(key.publicKey) }, "curve9:z": { key: "?" } } }),
      "remote.example",
      key,
    );
    const r = verifyServerKeyResponse(body, "remote.example");
    expect(r.ok && r.value.verifyKeys.map((k) => k.keyId)).toEqual(["ed25519:a1"]);
  });

  it("caps validity at 7 days after the fetch", () => {
    expect(cappedValidUntil(5_000, 1_000)).toBe(5_000);
    expect(cappedValidUntil(Number.MAX_SAFE_INTEGER, 1_000)).toBe(1_000 + MAX_KEY_VALIDITY_MS);
  });
});
