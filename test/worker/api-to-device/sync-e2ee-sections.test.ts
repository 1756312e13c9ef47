// /sync's end-to-end encryption sections: device_lists on incremental syncs (and waking a long-poll),
// device_one_time_keys_count and device_unused_fallback_key_types for the requesting device.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { syncNotifierClient } from "../../../src/durable/sync-notifier-client";
import { expectStatus, path, roomApp, syncUntil, users, type Call, type Registered } from "../api-rooms/support";
import { loginAgain, syncToDevice } from "./support";

async function sharedRoom(call: Call): Promise<{ alice: Registered; bob: Registered; since: string }> {
  const [alice, bob] = await users(call, 2);
  const created = await expectStatus(call("POST", "createRoom", { token: alice!.accessToken, body: { invite: [bob!.userId] } }), 200);
  const roomId = created.body["room_id"] as string;
  await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
  const { nextBatch } = await syncUntil(call, bob!, roomId, (events) => events.some((e) => e.type === "m.room.member" && e.state_key === bob!.userId));
  return { alice: alice!, bob: bob!, since: nextBatch };
}

/** What the /keys routes write when a user's devices change: a row of the device-list stream, then a poke. */
async function deviceListChange(userId: string): Promise<void> {
  const row = await env.DB.prepare("INSERT INTO device_list_changes (user_id) VALUES (?) RETURNING stream_pos").bind(userId).first<{ stream_pos: number }>();
  await syncNotifierClient(env.SYNC_NOTIFIER).advance("device_lists", row!.stream_pos);
}

describe("/sync end-to-end encryption sections", () => {
  const call = roomApp();

  it("reports the device's one-time key counts and unused fallback key types, per device", async () => {
    const [alice] = await users(call, 1);
    const phone = await loginAgain(call, alice!);
    const initial = await syncToDevice(call, alice!);
    expect(initial.body["device_one_time_keys_count"]).toEqual({ signed_curve25519: 0 });
    expect(initial.body["device_unused_fallback_key_types"]).toEqual([]);
    const insertKey = env.DB.prepare(
      "INSERT INTO e2e_one_time_keys (user_id, device_id, algorithm, key_id, key_json) VALUES (?, ?, 'signed_curve25519', ?, '{}')",
    );
    await env.DB.batch([insertKey.bind(alice!.userId, alice!.deviceId, "AAAA"), insertKey.bind(alice!.userId, alice!.deviceId, "AAAB")]);
    await env.DB.prepare(
      "INSERT INTO e2e_fallback_keys (user_id, device_id, algorithm, key_id, key_json) VALUES (?, ?, 'signed_curve25519', 'F', '{}')",
    )
      .bind(alice!.userId, alice!.deviceId)
      .run();
    // The counts alone do not end a long-poll: it waits out its timeout.
    const started = Date.now();
    const next = await syncToDevice(call, alice!, initial.nextBatch, 1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(next.body["device_one_time_keys_count"]).toEqual({ signed_curve25519: 2 });
    expect(next.body["device_unused_fallback_key_types"]).toEqual(["signed_curve25519"]);
    const other = await syncToDevice(call, phone);
    expect(other.body["device_one_time_keys_count"]).toEqual({ signed_curve25519: 0 });
    expect(other.body["device_unused_fallback_key_types"]).toEqual([]);
  });

  it("device_lists appears on incremental syncs only; a room-mate's device change wakes a waiting long-poll", async () => {
    const { alice, bob, since } = await sharedRoom(call);
    expect((await syncToDevice(call, bob)).body).not.toHaveProperty("device_lists");
    const settled = await syncToDevice(call, bob, since);
    const quiet = await syncToDevice(call, bob, settled.nextBatch);
    expect(quiet.body["device_lists"]).toEqual({ changed: [], left: [] });
    const started = Date.now();
    const waiting = syncToDevice(call, bob, quiet.nextBatch, 8000);
    await new Promise((r) => setTimeout(r, 300));
    await deviceListChange(alice.userId);
    const woken = await waiting;
    expect(Date.now() - started).toBeLessThan(6000);
    expect(woken.body["device_lists"]).toEqual({ changed: [alice.userId], left: [] });
    // The token moved past the change: it is not reported again.
    expect((await syncToDevice(call, bob, woken.nextBatch)).body["device_lists"]).toEqual({ changed: [], left: [] });
  });
});
