// POST /login with a device_id the user may not log in as: a cross-signing public key or the dehydrated device.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dehydrate } from "../api-dehydrated/support";
import { crossSigningKey, expectStatus, freshKey, keysApp, users, type Call, type Registered } from "../api-keys/support";

const call: Call = keysApp();

const login = (user: Registered, deviceId: string) =>
  call("POST", "login", {
    body: { type: "m.login.password", identifier: { type: "m.id.user", user: user.userId }, password: user.password, device_id: deviceId },
  });

const devices = async (userId: string): Promise<string[]> =>
  (await env.DB.prepare("SELECT device_id FROM devices WHERE user_id = ?").bind(userId).all<{ device_id: string }>()).results.map((r) => r.device_id);

describe("POST /login with a reserved device_id", () => {
  it("refuses a device_id equal to one of the user's cross-signing public keys (spec: they must not collide)", async () => {
    const [alice] = await users(call, 1);
    const master = freshKey();
    const selfSigning = freshKey();
    const body = {
      master_key: crossSigningKey(alice!.userId, "master", master),
      self_signing_key: master.sign(crossSigningKey(alice!.userId, "self_signing", selfSigning), alice!.userId),
    };
    await expectStatus(call("POST", "keys/device_signing/upload", { token: alice!.accessToken, body }), 200);
    for (const key of [master, selfSigning]) {
      const res = await login(alice!, key.publicKey);
      expect(res.status).toBe(400);
      expect(res.body["errcode"]).toBe("M_INVALID_PARAM");
    }
    expect(await devices(alice!.userId)).toEqual([alice!.deviceId]);
    // Another user's keys are no obstacle, nor is an ordinary ID.
    const [bob] = await users(call, 1);
    expect((await login(bob!, master.publicKey)).status).toBe(200);
    expect((await login(alice!, "ORDINARY")).status).toBe(200);
  });

  it("refuses the user's dehydrated device's ID: it stays a device without access tokens", async () => {
    const [alice] = await users(call, 1);
    const deviceId = await dehydrate(call, alice!);
    const res = await login(alice!, deviceId);
    expect(res.status).toBe(400);
    expect(res.body["errcode"]).toBe("M_INVALID_PARAM");
    const tokens = await env.DB.prepare("SELECT COUNT(*) AS n FROM access_tokens WHERE user_id = ? AND device_id = ?")
      .bind(alice!.userId, deviceId)
      .first<{ n: number }>();
    expect(tokens?.n).toBe(0);
    // The dehydrated device is still served to its owner.
    const got = await call("GET", "/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device", { token: alice!.accessToken });
    expect(got.body["device_id"]).toBe(deviceId);
  });

  it("checks the password first: a wrong password is 403 whatever the device_id", async () => {
    const [alice] = await users(call, 1);
    const deviceId = await dehydrate(call, alice!);
    const res = await call("POST", "login", {
      body: { type: "m.login.password", identifier: { type: "m.id.user", user: alice!.userId }, password: "wrong", device_id: deviceId },
    });
    expect(res.status).toBe(403);
  });
});
