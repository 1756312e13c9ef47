// POST /rooms/{roomId}/receipt/{receiptType}/{eventId}: public and private receipts, threads, forward-only, refusals.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { syncNotifierClient } from "../../../src/durable/sync-notifier-client";
import { sendContent, threadReply, waitForEvent } from "../api-events/support";
import { createRoom } from "../api-rooms/support";
import { ephemeralOf, eventually, expectStatus, joinedRooms, message, ofType, path, receiptsOf, roomApp, sharedRoom, users } from "./support";

const receiptPath = (roomId: string, type: string, eventId: string) => path(roomId, `receipt/${type}/${encodeURIComponent(eventId)}`);

describe("receipts", () => {
  const call = roomApp();

  it("an m.read receipt reaches the other member in the spec's shape and wakes the receipt stream", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const eventId = await message(call, alice, roomId, "hello");
    const notifier = syncNotifierClient(env.SYNC_NOTIFIER);
    const before = (await notifier.waitForAny({}, 0))["receipt"] ?? 0;
    await expectStatus(call("POST", receiptPath(roomId, "m.read", eventId), { token: bob.accessToken, body: {} }), 200);
    expect((await notifier.waitForAny({}, 0))["receipt"]).toBeGreaterThan(before);

    const seen = await ephemeralOf(alice, [roomId]);
    const events = ofType(seen, roomId, "m.receipt");
    expect(events).toHaveLength(1);
    const content = events[0]!["content"] as Record<string, Record<string, Record<string, { ts: number }>>>;
    expect(Object.keys(content)).toEqual([eventId]);
    expect(Object.keys(content[eventId]!["m.read"]!)).toEqual([bob.userId]);
    expect(typeof content[eventId]!["m.read"]![bob.userId]!.ts).toBe("number");
    expect(content[eventId]!["m.read"]![bob.userId]).not.toHaveProperty("thread_id");
    expect(seen.positions.receipt).toBeGreaterThan(0);
  });

  it("m.read.private is seen by its owner only", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const eventId = await message(call, alice, roomId, "secret read");
    await expectStatus(call("POST", receiptPath(roomId, "m.read.private", eventId), { token: bob.accessToken, body: {} }), 200);
    expect(receiptsOf(await ephemeralOf(bob, [roomId]), roomId)).toEqual([{ eventId, type: "m.read.private", userId: bob.userId }]);
    expect(receiptsOf(await ephemeralOf(alice, [roomId]), roomId)).toEqual([]);
    // Nor incrementally.
    expect(receiptsOf(await ephemeralOf(alice, [roomId], { typing: 0, receipt: 0, presence: 0 }), roomId)).toEqual([]);
  });

  it("only moves forward: a receipt for an earlier event is accepted and changes nothing", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const first = await message(call, alice, roomId, "one");
    const second = await message(call, alice, roomId, "two");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", second), { token: bob.accessToken, body: {} }), 200);
    const seen = await ephemeralOf(alice, [roomId]);
    await expectStatus(call("POST", receiptPath(roomId, "m.read", first), { token: bob.accessToken, body: {} }), 200);
    expect(receiptsOf(await ephemeralOf(alice, [roomId], { ...seen.positions }), roomId)).toEqual([]);
    expect(receiptsOf(await ephemeralOf(alice, [roomId]), roomId)).toEqual([{ eventId: second, type: "m.read", userId: bob.userId }]);
    // The same event again changes nothing either; a later one replaces it and arrives as a delta.
    await expectStatus(call("POST", receiptPath(roomId, "m.read", second), { token: bob.accessToken, body: {} }), 200);
    expect(receiptsOf(await ephemeralOf(alice, [roomId], { ...seen.positions }), roomId)).toEqual([]);
    const third = await message(call, alice, roomId, "three");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", third), { token: bob.accessToken }), 200);
    expect(receiptsOf(await ephemeralOf(alice, [roomId], { ...seen.positions }), roomId)).toEqual([{ eventId: third, type: "m.read", userId: bob.userId }]);
  });

  it("threaded receipts: main for the main timeline, the root for a thread, each kept apart from unthreaded ones", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const root = await message(call, alice, roomId, "root");
    const reply = await sendContent(call, alice, roomId, threadReply(root, "in thread"));
    await waitForEvent(call, alice, roomId, reply);
    const token = bob.accessToken;
    await expectStatus(call("POST", receiptPath(roomId, "m.read", root), { token, body: { thread_id: "main" } }), 200);
    await expectStatus(call("POST", receiptPath(roomId, "m.read", root), { token, body: {} }), 200);
    await expectStatus(call("POST", receiptPath(roomId, "m.read", reply), { token, body: { thread_id: root } }), 200);
    const got = receiptsOf(await ephemeralOf(alice, [roomId]), roomId);
    expect(got).toHaveLength(3);
    expect(got).toContainEqual({ eventId: root, type: "m.read", userId: bob.userId });
    expect(got).toContainEqual({ eventId: root, type: "m.read", userId: bob.userId, threadId: "main" });
    expect(got).toContainEqual({ eventId: reply, type: "m.read", userId: bob.userId, threadId: root });
    // Batched per thread: the unthreaded event first, so one user's two receipts on one event never collide.
    const events = ofType(await ephemeralOf(alice, [roomId]), roomId, "m.receipt");
    expect(events).toHaveLength(3);

    // The event is not in the named thread: 400 M_INVALID_PARAM.
    await expectStatus(call("POST", receiptPath(roomId, "m.read", reply), { token, body: { thread_id: "main" } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", root), { token, body: { thread_id: root } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", reply), { token, body: { thread_id: "$other:x" } }), 400, "M_INVALID_PARAM");
    // Not a string, empty, or for a receipt type without threads.
    await expectStatus(call("POST", receiptPath(roomId, "m.read", root), { token, body: { thread_id: 5 } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", root), { token, body: { thread_id: "" } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", receiptPath(roomId, "m.fully_read", root), { token, body: { thread_id: "main" } }), 400, "M_INVALID_PARAM");
  });

  it("m.fully_read sets the room's m.fully_read account data, never an m.receipt", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const eventId = await message(call, alice, roomId, "read fully");
    await expectStatus(call("POST", receiptPath(roomId, "m.fully_read", eventId), { token: bob.accessToken, body: {} }), 200);
    const data = await expectStatus(
      call("GET", `user/${encodeURIComponent(bob.userId)}/rooms/${encodeURIComponent(roomId)}/account_data/m.fully_read`, { token: bob.accessToken }),
      200,
    );
    expect(data.body).toEqual({ event_id: eventId });
    expect(receiptsOf(await ephemeralOf(bob, [roomId]), roomId)).toEqual([]);
  });

  it("answers 404 for an event history visibility hides from the sender, as for one that does not exist", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, {
      preset: "public_chat",
      initial_state: [{ type: "m.room.history_visibility", state_key: "", content: { history_visibility: "joined" } }],
    });
    const hidden = await message(call, alice!, roomId, "before bob");
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken, body: {} }), 200);
    await eventually(() => joinedRooms(call, bob!), (rooms) => rooms.includes(roomId), "bob's join projected");
    const visible = await message(call, alice!, roomId, "after bob");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", hidden), { token: bob!.accessToken, body: {} }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", receiptPath(roomId, "m.fully_read", hidden), { token: bob!.accessToken, body: {} }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", visible), { token: bob!.accessToken, body: {} }), 200);
  });

  it("refuses unknown receipt types (400), unknown events (404), rooms the caller is not joined to (403), bad bodies", async () => {
    const { alice, roomId } = await sharedRoom(call);
    const [carol] = await users(call, 1);
    const eventId = await message(call, alice, roomId, "x");
    const token = alice.accessToken;
    await expectStatus(call("POST", receiptPath(roomId, "m.seen", eventId), { token, body: {} }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", "$nope:test.example"), { token, body: {} }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", receiptPath(roomId, "m.fully_read", "$nope:test.example"), { token, body: {} }), 404, "M_NOT_FOUND");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", eventId), { token: carol!.accessToken, body: {} }), 403, "M_FORBIDDEN");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", eventId), { token, body: [1] }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", eventId), { token, raw: "{" }), 400, "M_NOT_JSON");
    await expectStatus(call("POST", receiptPath("bad", "m.read", eventId), { token, body: {} }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", receiptPath(roomId, "m.read", eventId), { body: {} }), 401, "M_MISSING_TOKEN");
    // Nothing was stored by any of them.
    expect(receiptsOf(await ephemeralOf(alice, [roomId]), roomId)).toEqual([]);
  });
});
