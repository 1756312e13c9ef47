// Sliding sync's e2ee extension on an incremental request: a room-mate's new device keys, and the device's own key counts; its long-poll wakes on them.
import { describe, expect, it } from "vitest";
import { otks, uploadKeys } from "../api-keys/support";
import { createRoom, expectStatus, path, roomApp, send, syncUntil, users } from "../api-rooms/support";

type Json = Record<string, unknown>;
const SS = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";

describe("simplified sliding sync e2ee extension", () => {
  const call = roomApp();

  it("reports a room-mate's key change to a waiting request, with one-time key counts", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { invite: [bob!.userId] });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const marker = await send(call, bob!, roomId, "marker");
    await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.event_id === marker));
    await uploadKeys(call, alice!, { one_time_keys: otks("a", 2) });
    const body = { extensions: { e2ee: { enabled: true } } };
    const first = await expectStatus(call("POST", SS, { token: alice!.accessToken, body }), 200);
    expect((first.body["extensions"] as Record<string, Json>)["e2ee"]!["device_one_time_keys_count"]).toEqual({ signed_curve25519: 2 });
    const poll = call("POST", `${SS}?pos=${first.body["pos"] as string}&timeout=20000`, { token: alice!.accessToken, body });
    await new Promise((r) => setTimeout(r, 200));
    await uploadKeys(call, bob!);
    const res = await expectStatus(poll, 200);
    const e2ee = (res.body["extensions"] as Record<string, Json>)["e2ee"]!;
    expect((e2ee["device_lists"] as Json)["changed"]).toContain(bob!.userId);
  });
});
