// PUT /dehydrated_device's body rules (MSC3814).
import { describe, expect, it } from "vitest";
import { parsePutDehydratedDevice } from "../../../../src/protocol/dehydrated-device/put-dehydrated-device-body";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { deviceKeys, testKey } from "../e2ee/e2ee-fixture";

const USER = "@alice:example.org";
const ID = "Zm9vYmFyYmF6+/curve";
const body = (over: JsonObject = {}): JsonObject => ({
  device_id: ID,
  device_data: { algorithm: "org.matrix.msc3814.v2", device_pickle: "p", nonce: "n" },
  initial_device_display_name: "Dehydrated device",
  device_keys: { ...deviceKeys(USER, ID, testKey(3)), dehydrated: true },
  one_time_keys: { "signed_curve25519:AAAA": { key: "k1", signatures: {} } },
  fallback_keys: { "signed_curve25519:BBBB": { key: "k2", fallback: true, signatures: {} } },
  ...over,
});

describe("PUT /dehydrated_device body", () => {
  it("keeps the data, the keys as sent (with the dehydrated flag) and the display name", () => {
    const parsed = parsePutDehydratedDevice(body(), USER);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.deviceId).toBe(ID);
    expect(JSON.parse(parsed.value.deviceDataJson)).toEqual({ algorithm: "org.matrix.msc3814.v2", device_pickle: "p", nonce: "n" });
    expect(JSON.parse(parsed.value.deviceKeysJson)["dehydrated"]).toBe(true);
    expect(parsed.value.displayName).toBe("Dehydrated device");
    expect(parsed.value.oneTimeKeys.map((k) => k.keyId)).toEqual(["AAAA"]);
    expect(parsed.value.fallbackKeys.map((k) => k.keyId)).toEqual(["BBBB"]);
  });

  it("takes one-time keys, fallback keys and the display name as optional", () => {
    const { one_time_keys: _o, fallback_keys: _f, initial_device_display_name: _n, ...rest } = body();
    const parsed = parsePutDehydratedDevice(rest, USER);
    expect(parsed.ok && parsed.value).toMatchObject({ displayName: null, oneTimeKeys: [], fallbackKeys: [] });
  });

  it.each([
    ["no device_id", { device_id: undefined }, "bad_json"],
    ["a numeric device_id", { device_id: 5 }, "bad_json"],
    ["an empty device_id", { device_id: "" }, "invalid_param"],
    ["a device_id with a control character", { device_id: "a\nb" }, "invalid_param"],
    ["no device_data", { device_data: undefined }, "bad_json"],
    ["device_data without algorithm", { device_data: { device_pickle: "p" } }, "bad_json"],
    ["device_data as a string", { device_data: "x" }, "bad_json"],
    ["a numeric display name", { initial_device_display_name: 3 }, "bad_json"],
    ["a display name over 256 characters", { initial_device_display_name: "x".repeat(257) }, "invalid_param"],
    ["no device_keys", { device_keys: undefined }, "bad_json"],
    ["device_keys of another device", { device_keys: deviceKeys(USER, "OTHER", testKey(4)) }, "invalid_param"],
    ["device_keys of another user", { device_keys: deviceKeys("@bob:example.org", ID, testKey(4)) }, "invalid_param"],
    ["one_time_keys as a list", { one_time_keys: [] }, "bad_json"],
    ["a one-time key ID without algorithm", { one_time_keys: { AAAA: "k" } }, "bad_json"],
    ["two fallback keys of one algorithm", { fallback_keys: { "a:1": "k", "a:2": "l" } }, "invalid_param"],
  ] as const)("refuses %s", (_name, over, reason) => {
    const input: Record<string, unknown> = { ...body(), ...over };
    for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
    const parsed = parsePutDehydratedDevice(input as JsonObject, USER);
    expect(parsed.ok ? "accepted" : parsed.error.reason).toBe(reason);
  });
});
