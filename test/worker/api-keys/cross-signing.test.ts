// POST /keys/device_signing/upload and /keys/signatures/upload, and how /keys/query shows their results.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/protocol/json-value";
import { passwordAuth } from "../api-accounts/support";
import { type Call, crossSigningKey, deviceKeys, expectStatus, freshKey, keysApp, type Registered, type TestKey, users } from "./support";

const call: Call = keysApp();
type Json = Record<string, unknown>;

interface CrossSigning {
  readonly master: TestKey;
  readonly selfSigning: TestKey;
  readonly userSigning: TestKey;
  readonly body: Record<string, JsonObject>;
}

function crossSigningBody(user: Registered): CrossSigning {
  const master = freshKey();
  const selfSigning = freshKey();
  const userSigning = freshKey();
  return {
    master,
    selfSigning,
    userSigning,
    body: {
      master_key: crossSigningKey(user.userId, "master", master),
      self_signing_key: master.sign(crossSigningKey(user.userId, "self_signing", selfSigning), user.userId),
      user_signing_key: master.sign(crossSigningKey(user.userId, "user_signing", userSigning), user.userId),
    },
  };
}

const upload = (user: Registered, body: Json) => call("POST", "keys/device_signing/upload", { token: user.accessToken, body });

async function query(user: Registered, userIds: string[]): Promise<Json> {
  const res = await call("POST", "keys/query", { token: user.accessToken, body: { device_keys: Object.fromEntries(userIds.map((u) => [u, []])) } });
  expect(res.status).toBe(200);
  return res.body;
}

describe("POST /keys/device_signing/upload", () => {
  it("takes the first keys without UIA, the same keys again without UIA, new keys only after UIA", async () => {
    const [alice] = await users(call, 1);
    const first = crossSigningBody(alice!);
    await expectStatus(upload(alice!, first.body), 200);
    await expectStatus(upload(alice!, first.body), 200);
    const second = crossSigningBody(alice!);
    const challenge = await expectStatus(upload(alice!, second.body), 401);
    const session = challenge.body["session"] as string;
    await expectStatus(upload(alice!, { ...second.body, auth: passwordAuth(alice!, session) }), 200);
    const body = await query(alice!, [alice!.userId]);
    expect((body["master_keys"] as Json)[alice!.userId]).toEqual(second.body["master_key"]);
  });

  it("shows master and self-signing keys to everyone, the user-signing key only to its owner", async () => {
    const [alice, bob] = await users(call, 2);
    const keys = crossSigningBody(alice!);
    await expectStatus(upload(alice!, keys.body), 200);
    const own = await query(alice!, [alice!.userId]);
    expect(Object.keys(own["user_signing_keys"] as Json)).toEqual([alice!.userId]);
    const other = await query(bob!, [alice!.userId]);
    expect((other["master_keys"] as Json)[alice!.userId]).toEqual(keys.body["master_key"]);
    expect((other["self_signing_keys"] as Json)[alice!.userId]).toEqual(keys.body["self_signing_key"]);
    expect(other["user_signing_keys"]).toEqual({});
  });

  it("refuses keys not signed by the master key, keys without a master key, and device IDs as public keys", async () => {
    const [alice, bob] = await users(call, 2);
    const keys = crossSigningBody(alice!);
    const unsigned = { ...keys.body, self_signing_key: crossSigningKey(alice!.userId, "self_signing", keys.selfSigning) };
    await expectStatus(upload(alice!, unsigned), 400, "M_INVALID_SIGNATURE");
    await expectStatus(upload(alice!, { self_signing_key: keys.body["self_signing_key"] }), 400, "M_MISSING_PARAM");
    await expectStatus(upload(alice!, { master_key: crossSigningKey(bob!.userId, "master", keys.master) }), 400, "M_INVALID_PARAM");
    await expectStatus(upload(alice!, { master_key: { ...(keys.body["master_key"] as Json), keys: [] } }), 400, "M_BAD_JSON");
    // A device whose ID is the master public key.
    const login = await call("POST", "login", {
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: alice!.userId }, password: alice!.password, device_id: keys.master.publicKey },
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    await expectStatus(upload(alice!, { master_key: keys.body["master_key"] }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", "keys/device_signing/upload", { body: {} }), 401, "M_MISSING_TOKEN");
  });
});

describe("POST /keys/signatures/upload", () => {
  it("stores a self-signing signature of an own device and a user-signing signature of another's master key", async () => {
    const [alice, bob] = await users(call, 2);
    const deviceKey = freshKey();
    const device = deviceKeys(alice!.userId, alice!.deviceId, deviceKey);
    await expectStatus(call("POST", "keys/upload", { token: alice!.accessToken, body: { device_keys: device } }), 200);
    const aliceKeys = crossSigningBody(alice!);
    const bobKeys = crossSigningBody(bob!);
    await expectStatus(upload(alice!, aliceKeys.body), 200);
    await expectStatus(upload(bob!, bobKeys.body), 200);

    const signedDevice = aliceKeys.selfSigning.sign(device, alice!.userId);
    const signedBobMaster = aliceKeys.userSigning.sign(bobKeys.body["master_key"] as JsonObject, alice!.userId);
    const signedOwnMaster = deviceKey.sign(aliceKeys.body["master_key"] as JsonObject, alice!.userId, `ed25519:${alice!.deviceId}`);
    const res = await call("POST", "keys/signatures/upload", {
      token: alice!.accessToken,
      body: {
        [alice!.userId]: { [alice!.deviceId]: signedDevice, [aliceKeys.master.publicKey]: signedOwnMaster, NOSUCHKEY: device },
        [bob!.userId]: { [bobKeys.master.publicKey]: signedBobMaster },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body["failures"]).toEqual({ [alice!.userId]: { NOSUCHKEY: { errcode: "M_NOT_FOUND", error: "Unknown key" } } });

    // Bob sees the self-signing signature on Alice's device and her device's signature on her master key.
    const seenByBob = await query(bob!, [alice!.userId, bob!.userId]);
    const aliceDevice = ((seenByBob["device_keys"] as Record<string, Json>)[alice!.userId] as Record<string, Json>)[alice!.deviceId];
    expect(aliceDevice?.["signatures"]).toEqual(signedDevice["signatures"]);
    expect(((seenByBob["master_keys"] as Record<string, Json>)[alice!.userId] as Json)["signatures"]).toEqual(signedOwnMaster["signatures"]);
    // Alice's signature of Bob's master key is hers alone to see.
    expect(((seenByBob["master_keys"] as Record<string, Json>)[bob!.userId] as Json)["signatures"]).toBeUndefined();
    const seenByAlice = await query(alice!, [bob!.userId]);
    expect(((seenByAlice["master_keys"] as Record<string, Json>)[bob!.userId] as Json)["signatures"]).toEqual(signedBobMaster["signatures"]);
  });

  it("reports signatures that do not verify as M_INVALID_SIGNATURE", async () => {
    const [alice] = await users(call, 1);
    const device = deviceKeys(alice!.userId, alice!.deviceId, freshKey());
    await expectStatus(call("POST", "keys/upload", { token: alice!.accessToken, body: { device_keys: device } }), 200);
    const keys = crossSigningBody(alice!);
    await expectStatus(upload(alice!, keys.body), 200);
    const wrong = freshKey().sign(device, alice!.userId, `ed25519:${keys.selfSigning.publicKey}`);
    const res = await call("POST", "keys/signatures/upload", { token: alice!.accessToken, body: { [alice!.userId]: { [alice!.deviceId]: wrong } } });
    expect(res.status).toBe(200);
    expect(((res.body["failures"] as Record<string, Record<string, Json>>)[alice!.userId]![alice!.deviceId]!)["errcode"]).toBe("M_INVALID_SIGNATURE");
    await expectStatus(call("POST", "keys/signatures/upload", { token: alice!.accessToken, body: { [alice!.userId]: [] } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "keys/signatures/upload", { body: {} }), 401, "M_MISSING_TOKEN");
  });
});
