// POST /keys/query and /keys/claim: device keys with display names, unknown and remote users, claim order and atomicity.
import { describe, expect, it } from "vitest";
import { expectStatus, keysApp, otks, uploadKeys, users } from "./support";

const call = keysApp();
type Json = Record<string, unknown>;

async function query(token: string, deviceKeys: Json): Promise<Json> {
  const res = await call("POST", "keys/query", { token, body: { device_keys: deviceKeys } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function claim(token: string, oneTimeKeys: Json): Promise<Json> {
  const res = await call("POST", "keys/claim", { token, body: { one_time_keys: oneTimeKeys } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const claimedIds = (body: Json, userId: string, deviceId: string): string[] =>
  Object.keys(((body["one_time_keys"] as Record<string, Record<string, Json>>)[userId] ?? {})[deviceId] ?? {});

describe("POST /keys/query", () => {
  it("answers the uploaded keys with the device's display name; an empty list means every device", async () => {
    const [alice, bob] = await users(call, 2);
    await call("PUT", `devices/${alice!.deviceId}`, { token: alice!.accessToken, body: { display_name: "Alice's phone" } });
    await uploadKeys(call, alice!);
    const body = await query(bob!.accessToken, { [alice!.userId]: [] });
    const device = ((body["device_keys"] as Record<string, Record<string, Json>>)[alice!.userId] ?? {})[alice!.deviceId];
    expect(device?.["user_id"]).toBe(alice!.userId);
    expect(device?.["unsigned"]).toEqual({ device_display_name: "Alice's phone" });
    expect((device?.["signatures"] as Json)[alice!.userId]).toHaveProperty(`ed25519:${alice!.deviceId}`);
    const named = await query(bob!.accessToken, { [alice!.userId]: ["NOSUCHDEVICE"] });
    expect(named["device_keys"]).toEqual({ [alice!.userId]: {} });
  });

  it("leaves unknown users out and reports servers it cannot reach under failures", async () => {
    const [alice] = await users(call, 1);
    const unknown = alice!.userId.replace(/^@[^:]+/, "@nobody-here");
    const body = await query(alice!.accessToken, { [unknown]: [], "@someone:remote.example": [] });
    expect(body["device_keys"]).toEqual({});
    expect(Object.keys(body["failures"] as Json)).toEqual(["remote.example"]);
  });

  it("refuses a body without device_keys (M_BAD_JSON) and callers without a token (M_MISSING_TOKEN)", async () => {
    const [alice] = await users(call, 1);
    await expectStatus(call("POST", "keys/query", { token: alice!.accessToken, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "keys/query", { token: alice!.accessToken, body: { device_keys: { [alice!.userId]: "x" } } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "keys/query", { token: alice!.accessToken, raw: "[" }), 400, "M_NOT_JSON");
    await expectStatus(call("POST", "keys/query", { body: { device_keys: {} } }), 401, "M_MISSING_TOKEN");
  });
});

describe("POST /keys/claim", () => {
  it("hands out one-time keys in upload order, each once, then the fallback key", async () => {
    const [alice, bob] = await users(call, 2);
    await uploadKeys(call, alice!, { one_time_keys: otks("C", 2) });
    await uploadKeys(call, alice!, {
      withDeviceKeys: false,
      one_time_keys: otks("D", 1),
      fallback_keys: { "signed_curve25519:FB": { key: "fb", fallback: true, signatures: {} } },
    });
    const want = { [alice!.userId]: { [alice!.deviceId]: "signed_curve25519" } };
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push(...claimedIds(await claim(bob!.accessToken, want), alice!.userId, alice!.deviceId));
    expect(seen.slice(0, 2).sort()).toEqual(["signed_curve25519:C0", "signed_curve25519:C1"]);
    expect(seen[2]).toBe("signed_curve25519:D0");
    const fallback = await claim(bob!.accessToken, want);
    expect(claimedIds(fallback, alice!.userId, alice!.deviceId)).toEqual(["signed_curve25519:FB"]);
    // A fallback key is reused until replaced.
    expect(claimedIds(await claim(bob!.accessToken, want), alice!.userId, alice!.deviceId)).toEqual(["signed_curve25519:FB"]);
    const counts = await uploadKeys(call, alice!, { withDeviceKeys: false });
    expect(counts["one_time_key_counts"]).toEqual({ signed_curve25519: 0 });
  });

  it("never gives two concurrent claims the same key", async () => {
    const [alice, ...claimers] = await users(call, 6);
    await uploadKeys(call, alice!, { one_time_keys: otks("E", 4) });
    const want = { [alice!.userId]: { [alice!.deviceId]: "signed_curve25519" } };
    const results = await Promise.all(claimers.map((u) => claim(u.accessToken, want)));
    const got = results.flatMap((r) => claimedIds(r, alice!.userId, alice!.deviceId));
    expect(got).toHaveLength(4);
    expect(new Set(got).size).toBe(4);
  });

  it("leaves unknown devices out, reports remote servers, refuses bad bodies", async () => {
    const [alice] = await users(call, 1);
    const body = await claim(alice!.accessToken, {
      [alice!.userId]: { NOSUCHDEVICE: "signed_curve25519" },
      "@x:remote.example": { D: "signed_curve25519" },
    });
    expect(body["one_time_keys"]).toEqual({});
    expect(Object.keys(body["failures"] as Json)).toEqual(["remote.example"]);
    await expectStatus(call("POST", "keys/claim", { token: alice!.accessToken, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "keys/claim", { token: alice!.accessToken, body: { one_time_keys: { [alice!.userId]: { D: 1 } } } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "keys/claim", { body: { one_time_keys: {} } }), 401, "M_MISSING_TOKEN");
  });
});
