// GET /_matrix/federation/v1/user/devices/{userId}, POST /user/keys/query and /user/keys/claim, asked by another server over X-Matrix.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/protocol/json-value";
import { type Registered, register } from "../api-accounts/support";
import { crossSigningKey, deviceKeys, testKey, type TestKey } from "../../unit/protocol/e2ee/e2ee-fixture";
import { askB, B, clientOfB, expectError, expectUnauthorized, unsignedToB, useTwoServers } from "./query-support";

useTwoServers();
type Json = Record<string, unknown>;

let seed = 100;
const freshKey = (): TestKey => testKey((seed = seed >= 250 ? 100 : seed + 1));

interface KeyedUser {
  readonly user: Registered;
  readonly device: JsonObject;
  readonly master: TestKey;
  readonly userSigning: TestKey;
  readonly keys: Record<string, JsonObject>;
}

/** A user of B with a named device, its keys, two one-time keys, a fallback key and cross-signing keys. */
async function keyedUser(): Promise<KeyedUser> {
  const user = await register(clientOfB, { initial_device_display_name: "Phone" });
  const deviceKey = freshKey();
  const device = deviceKeys(user.userId, user.deviceId, deviceKey);
  const upload = await clientOfB("POST", "keys/upload", {
    token: user.accessToken,
    body: {
      device_keys: device,
      one_time_keys: { "signed_curve25519:AAAA": { key: "otk-a" }, "signed_curve25519:AAAB": { key: "otk-b" } },
      fallback_keys: { "signed_curve25519:FFFF": { key: "fallback", fallback: true } },
    },
  });
  expect(upload.status, JSON.stringify(upload.body)).toBe(200);
  const master = freshKey();
  const selfSigning = freshKey();
  const userSigning = freshKey();
  const keys = {
    master_key: crossSigningKey(user.userId, "master", master),
    self_signing_key: master.sign(crossSigningKey(user.userId, "self_signing", selfSigning), user.userId),
    user_signing_key: master.sign(crossSigningKey(user.userId, "user_signing", userSigning), user.userId),
  };
  const cs = await clientOfB("POST", "keys/device_signing/upload", { token: user.accessToken, body: keys });
  expect(cs.status, JSON.stringify(cs.body)).toBe(200);
  return { user, device, master, userSigning, keys };
}

const devicesPath = (userId: string) => `/_matrix/federation/v1/user/devices/${encodeURIComponent(userId)}`;

describe("GET /_matrix/federation/v1/user/devices/{userId}", () => {
  it("lists the user's devices with keys and names, the stream position, master and self-signing keys only", async () => {
    const alice = await keyedUser();
    const res = await askB("GET", devicesPath(alice.user.userId));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as Json;
    expect(body).toEqual({
      user_id: alice.user.userId,
      stream_id: expect.any(Number),
      devices: [{ device_id: alice.user.deviceId, keys: alice.device, device_display_name: "Phone" }],
      master_key: alice.keys["master_key"],
      self_signing_key: alice.keys["self_signing_key"],
    });
    expect(body["stream_id"]).toBeGreaterThan(0);

    // Renaming the device moves the stream on.
    const rename = await clientOfB("PUT", `devices/${alice.user.deviceId}`, { token: alice.user.accessToken, body: { display_name: "Laptop" } });
    expect(rename.status).toBe(200);
    const after = (await askB("GET", devicesPath(alice.user.userId))).body as Json;
    expect(after["stream_id"]).toBeGreaterThan(body["stream_id"] as number);
    expect((after["devices"] as Json[])[0]?.["device_display_name"]).toBe("Laptop");
  });

  it("answers an empty list for a local user without devices or account, 400 for another server's user", async () => {
    const nobody = `@nobody-here:${B.serverName}`;
    expect(await askB("GET", devicesPath(nobody))).toEqual({ status: 200, body: { user_id: nobody, stream_id: 0, devices: [] } });
    expectError(await askB("GET", devicesPath("@alice:localhost:8481")), 400, "M_INVALID_PARAM");
    expectError(await askB("GET", devicesPath("alice")), 400, "M_INVALID_PARAM");
  });

  it("refuses an unsigned request", async () => {
    await expectUnauthorized(await unsignedToB("GET", devicesPath(`@x:${B.serverName}`)));
  });
});

describe("POST /_matrix/federation/v1/user/keys/query", () => {
  const path = "/_matrix/federation/v1/user/keys/query";

  it("answers device, master and self-signing keys, never a user-signing key or another user's signature", async () => {
    const [alice, bob] = await Promise.all([keyedUser(), keyedUser()]);
    // Bob signs Alice's master key with his user-signing key: his business, not other servers'.
    const signed = await clientOfB("POST", "keys/signatures/upload", {
      token: bob.user.accessToken,
      body: { [alice.user.userId]: { [alice.master.publicKey]: bob.userSigning.sign(alice.keys["master_key"]!, bob.user.userId) } },
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);

    const res = await askB("POST", path, { device_keys: { [alice.user.userId]: [], [`@nobody-here:${B.serverName}`]: [] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      device_keys: { [alice.user.userId]: { [alice.user.deviceId]: { ...alice.device, unsigned: { device_display_name: "Phone" } } } },
      master_keys: { [alice.user.userId]: alice.keys["master_key"] },
      self_signing_keys: { [alice.user.userId]: alice.keys["self_signing_key"] },
    });

    const some = await askB("POST", path, { device_keys: { [alice.user.userId]: ["NOSUCHDEVICE"] } });
    expect((some.body as Json)["device_keys"]).toEqual({ [alice.user.userId]: {} });
  });

  it("refuses another server's user, a malformed body and an unsigned request", async () => {
    expectError(await askB("POST", path, { device_keys: { "@alice:localhost:8481": [] } }), 400, "M_INVALID_PARAM");
    expectError(await askB("POST", path, { device_keys: { [`@a:${B.serverName}`]: "DEV" } }), 400, "M_BAD_JSON");
    expectError(await askB("POST", path, {}), 400, "M_BAD_JSON");
    await expectUnauthorized(await unsignedToB("POST", path, { device_keys: {} }));
  });
});

describe("POST /_matrix/federation/v1/user/keys/claim", () => {
  const path = "/_matrix/federation/v1/user/keys/claim";

  it("hands out each one-time key once, then the fallback key; nothing for unknown devices or users", async () => {
    const alice = await keyedUser();
    const { userId, deviceId } = alice.user;
    const ask: JsonObject = {
      one_time_keys: { [userId]: { [deviceId]: "signed_curve25519", NODEVICE: "signed_curve25519" }, [`@nobody-here:${B.serverName}`]: { D: "signed_curve25519" } },
    };
    const first = await askB("POST", path, ask);
    const second = await askB("POST", path, ask);
    const third = await askB("POST", path, ask);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const keyOf = (res: { body: unknown }) => ((res.body as Json)["one_time_keys"] as Record<string, Record<string, Json>>)[userId]?.[deviceId];
    const given = [keyOf(first), keyOf(second)].map((k) => Object.keys(k ?? {})[0]).sort();
    expect(given).toEqual(["signed_curve25519:AAAA", "signed_curve25519:AAAB"]);
    expect(keyOf(third)).toEqual({ "signed_curve25519:FFFF": { key: "fallback", fallback: true } });
    expect(Object.keys((first.body as Json)["one_time_keys"] as Json)).toEqual([userId]);
  });

  it("refuses another server's user, a malformed body and an unsigned request", async () => {
    expectError(await askB("POST", path, { one_time_keys: { "@alice:localhost:8481": { D: "signed_curve25519" } } }), 400, "M_INVALID_PARAM");
    expectError(await askB("POST", path, { one_time_keys: { [`@a:${B.serverName}`]: ["D"] } }), 400, "M_BAD_JSON");
    expectError(await askB("POST", path, {}), 400, "M_BAD_JSON");
    await expectUnauthorized(await unsignedToB("POST", path, { one_time_keys: {} }));
  });
});
