// POST /keys/upload: identity keys, one-time keys (re-upload rules), fallback keys, counts and errors.
import { describe, expect, it } from "vitest";
import { unusedFallbackKeyTypes } from "../../../src/readmodels/one-time-key-counts";
import { env } from "cloudflare:test";
import { deviceKeys, expectStatus, freshKey, keysApp, otks, uploadKeys, users } from "./support";

const call = keysApp();

describe("POST /keys/upload", () => {
  it("answers one_time_key_counts, with signed_curve25519 0 when there are none", async () => {
    const [alice] = await users(call, 1);
    expect(await uploadKeys(call, alice!)).toEqual({ one_time_key_counts: { signed_curve25519: 0 } });
    const body = await uploadKeys(call, alice!, { withDeviceKeys: false, one_time_keys: { ...otks("A", 3), "curve25519:X": "plain" } });
    expect(body).toEqual({ one_time_key_counts: { signed_curve25519: 3, curve25519: 1 } });
  });

  it("accepts the same one-time key again and refuses a key ID reused for another key (M_INVALID_PARAM)", async () => {
    const [alice] = await users(call, 1);
    await uploadKeys(call, alice!, { one_time_keys: otks("B", 2) });
    expect(await uploadKeys(call, alice!, { withDeviceKeys: false, one_time_keys: otks("B", 2) })).toEqual({
      one_time_key_counts: { signed_curve25519: 2 },
    });
    await expectStatus(
      call("POST", "keys/upload", {
        token: alice!.accessToken,
        body: { one_time_keys: { "signed_curve25519:B0": { key: "different", signatures: {} } } },
      }),
      400,
      "M_INVALID_PARAM",
    );
  });

  it("refuses device keys of another user or device (M_INVALID_PARAM)", async () => {
    const [alice, bob] = await users(call, 2);
    const key = freshKey();
    await expectStatus(
      call("POST", "keys/upload", { token: alice!.accessToken, body: { device_keys: deviceKeys(bob!.userId, alice!.deviceId, key) } }),
      400,
      "M_INVALID_PARAM",
    );
    await expectStatus(
      call("POST", "keys/upload", { token: alice!.accessToken, body: { device_keys: deviceKeys(alice!.userId, "OTHERDEVICE", key) } }),
      400,
      "M_INVALID_PARAM",
    );
  });

  it("refuses bodies that are not JSON (M_NOT_JSON) or not the spec's shape (M_BAD_JSON)", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    await expectStatus(call("POST", "keys/upload", { token, raw: "{not json" }), 400, "M_NOT_JSON");
    await expectStatus(call("POST", "keys/upload", { token, body: { one_time_keys: [] } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "keys/upload", { token, body: { one_time_keys: { nocolon: "k" } } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "keys/upload", { token, body: { device_keys: { user_id: alice!.userId } } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "keys/upload", { token, body: { fallback_keys: { "a:1": "x", "a:2": "y" } } }), 400, "M_INVALID_PARAM");
  });

  it("needs an access token (M_MISSING_TOKEN)", async () => {
    await expectStatus(call("POST", "keys/upload", { body: {} }), 401, "M_MISSING_TOKEN");
  });

  it("keeps one fallback key per algorithm: a new one replaces the old and is unused again", async () => {
    const [alice] = await users(call, 1);
    const fallback = (id: string) => ({ [`signed_curve25519:${id}`]: { key: id, fallback: true, signatures: {} } });
    await uploadKeys(call, alice!, { fallback_keys: fallback("F1") });
    expect(await unusedFallbackKeyTypes(env.DB, alice!.userId, alice!.deviceId)).toEqual(["signed_curve25519"]);
    const claim = await call("POST", "keys/claim", {
      token: alice!.accessToken,
      body: { one_time_keys: { [alice!.userId]: { [alice!.deviceId]: "signed_curve25519" } } },
    });
    expect(Object.keys((claim.body["one_time_keys"] as Record<string, Record<string, object>>)[alice!.userId]![alice!.deviceId]!)).toEqual([
      "signed_curve25519:F1",
    ]);
    expect(await unusedFallbackKeyTypes(env.DB, alice!.userId, alice!.deviceId)).toEqual([]);
    // The same key again stays used; a new one is unused.
    await uploadKeys(call, alice!, { withDeviceKeys: false, fallback_keys: fallback("F1") });
    expect(await unusedFallbackKeyTypes(env.DB, alice!.userId, alice!.deviceId)).toEqual([]);
    await uploadKeys(call, alice!, { withDeviceKeys: false, fallback_keys: fallback("F2") });
    expect(await unusedFallbackKeyTypes(env.DB, alice!.userId, alice!.deviceId)).toEqual(["signed_curve25519"]);
  });
});
