// ephemeralForSync, as the /sync route will call it: initial and incremental reads, rooms new to the client, filters.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readUpToPosition } from "../../../src/readmodels/receipt-store";
import { createRoom } from "../api-rooms/support";
import { ephemeralOf, eventually, expectStatus, joinedRooms, message, ofType, path, receiptsOf, roomApp, sharedRoom } from "./support";

describe("ephemeralForSync", () => {
  const call = roomApp();

  it("initial: current typing and every receipt; incremental: only changes; rooms new to the client: everything again", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const other = await createRoom(call, alice, { preset: "public_chat" });
    await eventually(() => joinedRooms(call, alice), (rooms) => rooms.includes(other), "alice's second room projected");
    const first = await message(call, alice, roomId, "first");
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(first)}`), { token: bob.accessToken, body: {} }), 200);
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(first)}`), { token: alice.accessToken, body: {} }), 200);
    await expectStatus(call("PUT", path(roomId, `typing/${encodeURIComponent(bob.userId)}`), { token: bob.accessToken, body: { typing: true } }), 200);

    const initial = await ephemeralOf(alice, [roomId, other]);
    expect(initial.rooms.has(other)).toBe(false);
    // m.typing comes first, then the receipts.
    expect((initial.rooms.get(roomId) ?? []).map((e) => e["type"])).toEqual(["m.typing", "m.receipt"]);
    expect(receiptsOf(initial, roomId).map((r) => r.userId).sort()).toEqual([alice.userId, bob.userId].sort());

    // Nothing changed: nothing to say, and the positions stay.
    const quiet = await ephemeralOf(alice, [roomId, other], { ...initial.positions });
    expect(quiet.rooms.size).toBe(0);
    expect(quiet.positions).toEqual(initial.positions);

    const second = await message(call, alice, roomId, "second");
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(second)}`), { token: bob.accessToken, body: {} }), 200);
    const delta = await ephemeralOf(alice, [roomId, other], { ...initial.positions });
    expect(receiptsOf(delta, roomId)).toEqual([{ eventId: second, type: "m.read", userId: bob.userId }]);
    expect(ofType(delta, roomId, "m.typing")).toEqual([]);
    expect(delta.positions.receipt).toBeGreaterThan(initial.positions.receipt);

    // The room is new to the client (joined since the token): all of it, whatever the token says.
    const full = await ephemeralOf(alice, [roomId, other], { ...delta.positions }, { fullRoomIds: [roomId] });
    expect(receiptsOf(full, roomId)).toHaveLength(2);
    expect(ofType(full, roomId, "m.typing")[0]?.["content"]).toEqual({ user_ids: [bob.userId] });

    // Rooms the sync does not answer for are never read.
    expect((await ephemeralOf(alice, [other])).rooms.size).toBe(0);

    // Filters: room.rooms / not_rooms and room.ephemeral.
    expect((await ephemeralOf(alice, [roomId], undefined, { filter: { room: { not_rooms: [roomId] } } })).rooms.size).toBe(0);
    const onlyTyping = await ephemeralOf(alice, [roomId], undefined, { filter: { room: { ephemeral: { types: ["m.typing"] } } } });
    expect((onlyTyping.rooms.get(roomId) ?? []).map((e) => e["type"])).toEqual(["m.typing"]);

    // The read-up-to position for unread counts: the furthest main-timeline receipt.
    const readPos = await readUpToPosition(env.DB, bob.userId, roomId);
    const pos = await env.DB.prepare("SELECT stream_pos FROM events WHERE event_id = ?").bind(second).first<{ stream_pos: number }>();
    expect(readPos).toBe(pos?.stream_pos);
    expect(await readUpToPosition(env.DB, bob.userId, other)).toBeUndefined();

    await expectStatus(call("PUT", path(roomId, `typing/${encodeURIComponent(bob.userId)}`), { token: bob.accessToken, body: { typing: false } }), 200);
  });
});
