// The dehydrated device's keys (MSC3814): in /keys/query with its `dehydrated` flag, claimable,
// and its creation, replacement and deletion announced to room-mates as device-list changes.
import { describe, expect, it } from "vitest";
import { path } from "../api-rooms/support";
import { createRoom, currentToken, expectStatus, keysApp, users } from "../api-keys/support";
import { DEVICE_PATH, dehydrate } from "./support";

const call = keysApp();

type Json = Record<string, unknown>;
const queryKeys = async (token: string, userId: string) => {
  const res = await call("POST", "keys/query", { token, body: { device_keys: { [userId]: [] } } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body["device_keys"] as Record<string, Record<string, Json>>)[userId]!;
};
const changedSince = async (token: string, from: string): Promise<string[]> => {
  const res = await call("GET", `keys/changes?from=${from}&to=${await currentToken()}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body["changed"] as string[];
};

describe("dehydrated device keys", () => {
  it("appear in /keys/query as uploaded, with dehydrated: true and the display name", async () => {
    const [alice, bob] = await users(call, 2);
    const id = await dehydrate(call, alice!);
    const keys = await queryKeys(bob!.accessToken, alice!.userId);
    expect(keys[id]).toMatchObject({
      user_id: alice!.userId,
      device_id: id,
      dehydrated: true,
      keys: { [`curve25519:${id}`]: id },
      unsigned: { device_display_name: "Dehydrated device" },
    });
    expect((keys[id]!["signatures"] as Json)[alice!.userId]).toHaveProperty(`ed25519:${id}`);
  });

  it("hands out its one-time keys once each, then its fallback key", async () => {
    const [alice, bob] = await users(call, 2);
    const id = await dehydrate(call, alice!);
    const claim = async () => {
      const res = await call("POST", "keys/claim", { token: bob!.accessToken, body: { one_time_keys: { [alice!.userId]: { [id]: "signed_curve25519" } } } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body["one_time_keys"] as Record<string, Record<string, Json>>)[alice!.userId]?.[id];
    };
    expect(await claim()).toEqual({ [`signed_curve25519:${id}-1`]: { key: "otk-1", signatures: {} } });
    expect(await claim()).toEqual({ [`signed_curve25519:${id}-2`]: { key: "otk-2", signatures: {} } });
    expect(await claim()).toEqual({ [`signed_curve25519:${id}-f`]: { key: "fallback", fallback: true, signatures: {} } });
  });

  it("creation, replacement and deletion are device-list changes for room-mates; the old keys leave /keys/query", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
    let from = await currentToken();
    const first = await dehydrate(call, alice!);
    expect(await changedSince(bob!.accessToken, from)).toContain(alice!.userId);

    from = await currentToken();
    const second = await dehydrate(call, alice!);
    expect(await changedSince(bob!.accessToken, from)).toContain(alice!.userId);
    const keys = await queryKeys(bob!.accessToken, alice!.userId);
    expect(Object.keys(keys)).toContain(second);
    expect(Object.keys(keys)).not.toContain(first);

    from = await currentToken();
    await expectStatus(call("DELETE", DEVICE_PATH, { token: alice!.accessToken }), 200);
    expect(await changedSince(bob!.accessToken, from)).toContain(alice!.userId);
    expect(Object.keys(await queryKeys(bob!.accessToken, alice!.userId))).not.toContain(second);
  });

  it("an upload wakes a room-mate's waiting /sync, which lists the user in device_lists.changed", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
    const first = await call("GET", "sync?timeout=0", { token: bob!.accessToken });
    const caughtUp = await call("GET", `sync?timeout=0&since=${first.body["next_batch"] as string}`, { token: bob!.accessToken });
    const started = Date.now();
    const polled = call("GET", `sync?timeout=20000&since=${caughtUp.body["next_batch"] as string}`, { token: bob!.accessToken });
    await new Promise((r) => setTimeout(r, 200));
    await dehydrate(call, alice!);
    const res = await polled;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((res.body["device_lists"] as { changed?: string[] } | undefined)?.changed).toContain(alice!.userId);
  });
});
