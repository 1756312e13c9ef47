import { describe, expect, it } from "vitest";
import {
  deleteAllDevices,
  deleteDevice,
  deleteDevices,
  getDevice,
  listDevices,
  setDeviceDisplayName,
  touchDevice,
} from "../../../src/accounts/device-store";
import { authenticateAccessToken, createSession } from "../../../src/accounts/token-store";
import { count, db, makeUser, NOW } from "./fixtures";

async function login(userId: string, deviceId: string) {
  const created = await createSession(db, {
    userId,
    deviceId,
    initialDisplayName: `name ${deviceId}`,
    refresh: { accessTokenMs: 60_000, refreshTokenMs: null },
    now: NOW,
  });
  if (!created.ok) throw new Error(created.error.reason);
  return created.value;
}

const tokensOf = (userId: string, deviceId: string) =>
  Promise.all([
    count("access_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId),
    count("refresh_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId),
  ]);

describe("device store", () => {
  it("lists a user's devices only", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    await login(alice.userId, "BBB");
    await login(alice.userId, "AAA");
    await login(bob.userId, "CCC");
    const devices = await listDevices(db, alice.userId);
    expect(devices.map((d) => d.deviceId)).toEqual(["AAA", "BBB"]);
    expect(devices[0]).toEqual({
      userId: alice.userId,
      deviceId: "AAA",
      displayName: "name AAA",
      lastSeenTs: null,
      lastSeenIp: null,
      createdTs: NOW,
    });
    expect(await getDevice(db, bob.userId, "AAA")).toBeNull();
  });

  it("renames a device, and says when there is none", async () => {
    const user = await makeUser();
    await login(user.userId, "DEV");
    expect((await setDeviceDisplayName(db, user.userId, "DEV", "Work")).ok).toBe(true);
    expect((await getDevice(db, user.userId, "DEV"))?.displayName).toBe("Work");
    const missing = await setDeviceDisplayName(db, user.userId, "NOPE", "x");
    expect(!missing.ok && missing.error._tag).toBe("DeviceNotFound");
  });

  it("records last seen at most once per interval", async () => {
    const user = await makeUser();
    await login(user.userId, "DEV");
    const touch = (now: number, ip: string) =>
      touchDevice(db, { userId: user.userId, deviceId: "DEV", ip, now, minIntervalMs: 60_000 });
    expect(await touch(NOW, "10.0.0.1")).toBe(true);
    expect(await touch(NOW + 59_999, "10.0.0.2")).toBe(false);
    expect((await getDevice(db, user.userId, "DEV"))?.lastSeenIp).toBe("10.0.0.1");
    expect(await touch(NOW + 60_000, "10.0.0.3")).toBe(true);
    const device = await getDevice(db, user.userId, "DEV");
    expect([device?.lastSeenTs, device?.lastSeenIp]).toEqual([NOW + 60_000, "10.0.0.3"]);
  });

  it("deleting a device (or logging out) kills its tokens and leaves the others", async () => {
    const user = await makeUser();
    const gone = await login(user.userId, "GONE");
    const kept = await login(user.userId, "KEPT");
    expect((await deleteDevice(db, user.userId, "GONE")).ok).toBe(true);
    expect(await tokensOf(user.userId, "GONE")).toEqual([0, 0]);
    expect(await getDevice(db, user.userId, "GONE")).toBeNull();
    expect((await authenticateAccessToken(db, gone.accessToken, NOW)).ok).toBe(false);
    expect((await authenticateAccessToken(db, kept.accessToken, NOW)).ok).toBe(true);
    const again = await deleteDevice(db, user.userId, "GONE");
    expect(!again.ok && again.error._tag).toBe("DeviceNotFound");
  });

  it("deletes several devices, ignoring unknown IDs", async () => {
    const user = await makeUser();
    for (const id of ["D1", "D2", "D3"]) await login(user.userId, id);
    expect(await deleteDevices(db, user.userId, ["D1", "D3", "NOPE", "D1"])).toEqual({ deleted: 2, position: undefined });
    expect((await listDevices(db, user.userId)).map((d) => d.deviceId)).toEqual(["D2"]);
    expect(await deleteDevices(db, user.userId, [])).toEqual({ deleted: 0, position: undefined });
  });

  it("logs out everywhere, or everywhere but the caller's device", async () => {
    const user = await makeUser();
    const other = await makeUser();
    for (const id of ["A", "B", "C"]) await login(user.userId, id);
    const bystander = await login(other.userId, "A");
    await deleteAllDevices(db, user.userId, "B");
    expect((await listDevices(db, user.userId)).map((d) => d.deviceId)).toEqual(["B"]);
    expect(await tokensOf(user.userId, "A")).toEqual([0, 0]);
    expect(await tokensOf(user.userId, "B")).toEqual([1, 1]);
    await deleteAllDevices(db, user.userId);
    expect(await listDevices(db, user.userId)).toEqual([]);
    expect(await count("access_tokens WHERE user_id = ?", user.userId)).toBe(0);
    expect((await authenticateAccessToken(db, bystander.accessToken, NOW)).ok).toBe(true);
  });
});
