// Device management: list, read, rename, delete (user-interactive), bulk delete; deleting a device ends its tokens.
import { describe, expect, it } from "vitest";
import { passwordAuth, register, testApp } from "./support";

const call = testApp();

async function secondDevice(user: { userId: string; password: string }, deviceId: string) {
  const res = await call("POST", "login", {
    body: { type: "m.login.password", identifier: { type: "m.id.user", user: user.userId }, password: user.password, device_id: deviceId },
  });
  return res.body["access_token"] as string;
}

describe("devices", () => {
  it("lists, reads and renames devices", async () => {
    const user = await register(call, { initial_device_display_name: "Phone" });
    await secondDevice(user, "TABLET");
    const list = await call("GET", "devices", { token: user.accessToken });
    const ids = (list.body["devices"] as { device_id: string }[]).map((d) => d.device_id).sort();
    expect(ids).toEqual([user.deviceId, "TABLET"].sort());
    const mine = (list.body["devices"] as Record<string, unknown>[]).find((d) => d["device_id"] === user.deviceId);
    expect(mine).toMatchObject({ display_name: "Phone", last_seen_ts: expect.any(Number) });
    expect((await call("PUT", "devices/TABLET", { token: user.accessToken, body: { display_name: "Tablet" } })).status).toBe(200);
    expect((await call("GET", "devices/TABLET", { token: user.accessToken })).body).toMatchObject({ device_id: "TABLET", display_name: "Tablet" });
  });

  it("answers unknown devices, and other users' devices, with 404 M_NOT_FOUND", async () => {
    const user = await register(call);
    const other = await register(call);
    for (const [method, path] of [
      ["GET", "devices/NOPE"],
      ["PUT", "devices/NOPE"],
      ["DELETE", "devices/NOPE"],
      ["GET", `devices/${other.deviceId}`],
    ] as const) {
      const res = await call(method, path, { token: user.accessToken, ...(method === "GET" ? {} : { body: method === "PUT" ? { display_name: "x" } : {} }) });
      expect([res.status, res.body["errcode"]], `${method} ${path}`).toEqual([404, "M_NOT_FOUND"]);
    }
  });

  it("deletes a device after the password, which ends its tokens", async () => {
    const user = await register(call);
    const tabletToken = await secondDevice(user, "TABLET");
    expect((await call("GET", "account/whoami", { token: tabletToken })).status).toBe(200);
    const first = await call("DELETE", "devices/TABLET", { token: user.accessToken });
    expect(first.status).toBe(401);
    expect(first.body["flows"]).toEqual([{ stages: ["m.login.password"] }]);
    const done = await call("DELETE", "devices/TABLET", {
      token: user.accessToken,
      body: { auth: passwordAuth(user, first.body["session"] as string) },
    });
    expect(done.status).toBe(200);
    expect((await call("GET", "account/whoami", { token: tabletToken })).status).toBe(401);
    expect((await call("GET", "devices/TABLET", { token: user.accessToken })).status).toBe(404);
  });

  it("does not let a session for one device delete another", async () => {
    const user = await register(call);
    await secondDevice(user, "ONE");
    await secondDevice(user, "TWO");
    const first = await call("DELETE", "devices/ONE", { token: user.accessToken });
    const res = await call("DELETE", "devices/TWO", {
      token: user.accessToken,
      body: { auth: passwordAuth(user, first.body["session"] as string) },
    });
    expect(res.status).toBe(403);
  });

  it("POST /delete_devices deletes several after the password, ignoring unknown IDs", async () => {
    const user = await register(call);
    const a = await secondDevice(user, "A");
    const b = await secondDevice(user, "B");
    const body = { devices: ["A", "B", "UNKNOWN"] };
    const first = await call("POST", "delete_devices", { token: user.accessToken, body });
    expect(first.status).toBe(401);
    const done = await call("POST", "delete_devices", {
      token: user.accessToken,
      body: { ...body, auth: passwordAuth(user, first.body["session"] as string) },
    });
    expect(done.status).toBe(200);
    for (const token of [a, b]) expect((await call("GET", "account/whoami", { token })).status).toBe(401);
    const left = await call("GET", "devices", { token: user.accessToken });
    expect((left.body["devices"] as unknown[]).length).toBe(1);
    const bad = await call("POST", "delete_devices", { token: user.accessToken, body: { devices: "A" } });
    expect([bad.status, bad.body["errcode"]]).toEqual([400, "M_BAD_JSON"]);
  });
});
