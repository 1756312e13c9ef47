// A key upload wakes a room-mate's long-polling /sync, which then lists the uploader in device_lists.changed.
import { describe, expect, it } from "vitest";
import { path } from "../api-rooms/support";
import { createRoom, expectStatus, keysApp, uploadKeys, users } from "./support";

const call = keysApp();

describe("device-list changes and /sync", () => {
  it("wake a waiting /sync of a room-mate", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
    const first = await call("GET", "sync?timeout=0", { token: alice!.accessToken });
    // Catch up past bob's join so the next sync only waits for the key upload.
    const caughtUp = await call("GET", `sync?timeout=0&since=${first.body["next_batch"] as string}`, { token: alice!.accessToken });
    const since = caughtUp.body["next_batch"] as string;
    const started = Date.now();
    const polled = call("GET", `sync?timeout=20000&since=${since}`, { token: alice!.accessToken });
    await new Promise((r) => setTimeout(r, 200));
    await uploadKeys(call, bob!);
    const res = await polled;
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((res.body["device_lists"] as { changed?: string[] } | undefined)?.changed).toContain(bob!.userId);
  });

  it("wake a waiting /sync of a room-mate when a device with keys logs out", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
    await uploadKeys(call, bob!);
    const first = await call("GET", "sync?timeout=0", { token: alice!.accessToken });
    const caughtUp = await call("GET", `sync?timeout=0&since=${first.body["next_batch"] as string}`, { token: alice!.accessToken });
    const since = caughtUp.body["next_batch"] as string;
    const started = Date.now();
    const polled = call("GET", `sync?timeout=20000&since=${since}`, { token: alice!.accessToken });
    await new Promise((r) => setTimeout(r, 200));
    await expectStatus(call("POST", "logout", { token: bob!.accessToken, body: {} }), 200);
    const res = await polled;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((res.body["device_lists"] as { changed?: string[] } | undefined)?.changed).toContain(bob!.userId);
  });
});
