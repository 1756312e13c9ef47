// PUT, GET and DELETE /dehydrated_device (MSC3814): creation, replacement (the old device goes with
// its keys and messages), deletion, the device in GET /devices, and its removal through /devices.
import { describe, expect, it } from "vitest";
import { passwordAuth } from "../api-accounts/support";
import { expectStatus, roomApp, users } from "../api-rooms/support";
import { loginAgain, sendToDevice } from "../api-to-device/support";
import { DEVICE_PATH, dehydrate, dehydratedBody, dehydratedId, rowsFor } from "./support";

describe("dehydrated device lifecycle", () => {
  const call = roomApp();

  it("is created without a session, answered by GET, listed in /devices and deleted by DELETE", async () => {
    const [alice] = await users(call, 1);
    await expectStatus(call("GET", DEVICE_PATH, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    const id = await dehydrate(call, alice!);
    const got = await call("GET", DEVICE_PATH, { token: alice!.accessToken });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      device_id: id,
      device_data: { algorithm: "org.matrix.msc3814.v2", device_pickle: `pickle-of-${id}`, nonce: "bm9uY2U" },
    });
    // Synapse lists it too; clients tell it apart by `dehydrated: true` in its keys.
    const devices = await call("GET", "devices", { token: alice!.accessToken });
    expect(devices.body["devices"]).toContainEqual({ device_id: id, display_name: "Dehydrated device" });
    expect(await rowsFor("access_tokens", alice!.userId, id)).toBe(0);
    expect(await rowsFor("e2e_one_time_keys", alice!.userId, id)).toBe(2);

    const deleted = await call("DELETE", DEVICE_PATH, { token: alice!.accessToken });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ device_id: id });
    await expectStatus(call("GET", DEVICE_PATH, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("DELETE", DEVICE_PATH, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", `devices/${encodeURIComponent(id)}`, { token: alice!.accessToken }), 404);
    for (const table of ["e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys"]) expect(await rowsFor(table, alice!.userId, id)).toBe(0);
  });

  it("a new upload replaces the previous device with its keys and waiting messages", async () => {
    const [alice, bob] = await users(call, 2);
    const first = await dehydrate(call, alice!);
    await sendToDevice(call, bob!, { [alice!.userId]: { [first]: { for: "first" } } });
    expect(await rowsFor("to_device_inbox", alice!.userId, first)).toBe(1);
    const second = await dehydrate(call, alice!);
    expect((await call("GET", DEVICE_PATH, { token: alice!.accessToken })).body["device_id"]).toBe(second);
    const ids = ((await call("GET", "devices", { token: alice!.accessToken })).body["devices"] as { device_id: string }[]).map((d) => d.device_id);
    expect(ids).toContain(second);
    expect(ids).not.toContain(first);
    for (const table of ["devices", "e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys", "to_device_inbox"]) {
      expect(await rowsFor(table, alice!.userId, first), table).toBe(0);
    }
    // Each user has their own: bob's is untouched by alice's.
    const bobs = await dehydrate(call, bob!);
    await dehydrate(call, alice!);
    expect((await call("GET", DEVICE_PATH, { token: bob!.accessToken })).body["device_id"]).toBe(bobs);
  });

  it("may be uploaded again under the same ID, starting afresh", async () => {
    const [alice, bob] = await users(call, 2);
    const id = await dehydrate(call, alice!);
    await sendToDevice(call, bob!, { [alice!.userId]: { [id]: { old: true } } });
    await dehydrate(call, alice!, id, { device_data: { algorithm: "org.matrix.msc3814.v2", device_pickle: "newer" } });
    const got = await call("GET", DEVICE_PATH, { token: alice!.accessToken });
    expect(got.body["device_data"]).toEqual({ algorithm: "org.matrix.msc3814.v2", device_pickle: "newer" });
    expect(await rowsFor("to_device_inbox", alice!.userId, id)).toBe(0);
    expect(await rowsFor("e2e_one_time_keys", alice!.userId, id)).toBe(2);
  });

  it("refuses the ID of one of the user's logged-in devices, changing nothing", async () => {
    const [alice] = await users(call, 1);
    const kept = await dehydrate(call, alice!);
    const phone = await loginAgain(call, alice!);
    await expectStatus(
      call("PUT", DEVICE_PATH, { token: alice!.accessToken, body: dehydratedBody(alice!, phone.deviceId) }),
      400,
      "M_INVALID_PARAM",
    );
    expect((await call("GET", DEVICE_PATH, { token: alice!.accessToken })).body["device_id"]).toBe(kept);
    expect((await call("GET", "account/whoami", { token: phone.accessToken })).status).toBe(200);
  });

  it("goes with DELETE /devices/{id} and /logout/all (MSC3814)", async () => {
    const [alice, bob] = await users(call, 2);
    const id = await dehydrate(call, alice!);
    // A waiting message is deleted with it (D1 counts such cascaded rows among the changes).
    await sendToDevice(call, bob!, { [alice!.userId]: { [id]: { waiting: true } } });
    const path = `devices/${encodeURIComponent(id)}`;
    const challenge = await call("DELETE", path, { token: alice!.accessToken, body: {} });
    expect(challenge.status).toBe(401);
    const done = await call("DELETE", path, { token: alice!.accessToken, body: { auth: passwordAuth(alice!, challenge.body["session"] as string) } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await expectStatus(call("GET", DEVICE_PATH, { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    expect(await rowsFor("to_device_inbox", alice!.userId, id)).toBe(0);

    const again = await dehydrate(call, alice!);
    await expectStatus(call("POST", "logout/all", { token: alice!.accessToken, body: {} }), 200);
    const fresh = await loginAgain(call, alice!);
    await expectStatus(call("GET", DEVICE_PATH, { token: fresh.accessToken }), 404, "M_NOT_FOUND");
    expect(await rowsFor("dehydrated_devices", alice!.userId, again)).toBe(0);
  });

  it("two uploads at once leave exactly one dehydrated device, the other's keys gone", async () => {
    const [alice] = await users(call, 1);
    const [a, b] = [dehydratedId(), dehydratedId()];
    const results = await Promise.all(
      [a, b].map((id) => call("PUT", DEVICE_PATH, { token: alice!.accessToken, body: dehydratedBody(alice!, id) })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const current = (await call("GET", DEVICE_PATH, { token: alice!.accessToken })).body["device_id"] as string;
    const other = current === a ? b : a;
    expect(await rowsFor("devices", alice!.userId, other)).toBe(0);
    expect(await rowsFor("e2e_device_keys", alice!.userId, other)).toBe(0);
  });
});
