// GET /rooms/{roomId}/context/{eventId} with a `filter`: both sides and the state filtered, the limit counting matches, tokens continuing in /messages, lazy-loaded state.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";
import { sendContent, waitForEvent } from "./support";

type Json = Record<string, unknown>;
const ids = (events: unknown): string[] => ((events as Json[] | undefined) ?? []).map((e) => e["event_id"] as string);
const q = (filter: unknown): string => encodeURIComponent(JSON.stringify(filter));

describe("GET /rooms/{roomId}/context/{eventId} filter", () => {
  const call = roomApp();

  it("filters both sides and the state, lazy-loads members, and its tokens continue with the same filter", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "join"), { token: carol!.accessToken }), 200);
    const b1 = await send(call, bob!, roomId, "b1");
    const b2 = await send(call, bob!, roomId, "b2");
    const a1 = await send(call, alice!, roomId, "a1");
    await sendContent(call, carol!, roomId, { x: 1 }, "org.example.noise");
    const pivot = await send(call, carol!, roomId, "pivot");
    const a2 = await send(call, alice!, roomId, "a2");
    const b3 = await send(call, bob!, roomId, "b3");
    await sendContent(call, bob!, roomId, { x: 2 }, "org.example.noise");
    const b4 = await send(call, bob!, roomId, "b4");
    const b5 = await send(call, bob!, roomId, "b5");
    await waitForEvent(call, alice!, roomId, b5);

    const filter = { types: ["m.room.message"], senders: [bob!.userId] };
    const res = await expectStatus(
      call("GET", path(roomId, `context/${encodeURIComponent(pivot)}?limit=4&filter=${q(filter)}`), { token: alice!.accessToken }),
      200,
    );
    const body = res.body;
    // The event itself is always returned, even when the filter would not match it.
    expect((body["event"] as Json)["event_id"]).toBe(pivot);
    expect(ids(body["events_before"])).toEqual([b2, b1]);
    expect(ids(body["events_after"])).toEqual([b3, b4]);
    // The spec applies the filter to `state` too: no state event is an m.room.message.
    expect(body["state"]).toEqual([]);

    // `end` continues forwards with the same filter: the next match is b5, then nothing.
    const after = await expectStatus(
      call("GET", path(roomId, `messages?dir=f&from=${body["end"] as string}&filter=${q(filter)}`), { token: alice!.accessToken }),
      200,
    );
    expect(ids(after.body["chunk"])).toEqual([b5]);
    // `start` continues backwards: nothing of Bob's is older than b1.
    const before = await expectStatus(
      call("GET", path(roomId, `messages?dir=b&from=${body["start"] as string}&filter=${q(filter)}`), { token: alice!.accessToken }),
      200,
    );
    expect(ids(before.body["chunk"])).toEqual([]);

    // Lazy loading: the state's members are the senders of the returned events (Alice, Carol), not Bob;
    // the filter keeps the state to its types.
    const lazy = { types: ["m.room.message", "m.room.member", "m.room.create"], lazy_load_members: true };
    const around = await expectStatus(
      call("GET", path(roomId, `context/${encodeURIComponent(pivot)}?limit=2&filter=${q(lazy)}`), { token: alice!.accessToken }),
      200,
    );
    expect(ids(around.body["events_before"])).toEqual([a1]);
    expect(ids(around.body["events_after"])).toEqual([a2]);
    const state = around.body["state"] as Json[];
    expect(state.map((e) => e["type"]).sort()).toEqual(["m.room.create", "m.room.member", "m.room.member"]);
    expect(state.filter((e) => e["type"] === "m.room.member").map((e) => e["state_key"]).sort()).toEqual([alice!.userId, carol!.userId].sort());

    // Without lazy loading (and without a filter on types) the state has every member.
    const full = await expectStatus(call("GET", path(roomId, `context/${encodeURIComponent(pivot)}?limit=2`), { token: alice!.accessToken }), 200);
    const everyone = (full.body["state"] as Json[]).filter((e) => e["type"] === "m.room.member").map((e) => e["state_key"]);
    expect(everyone.sort()).toEqual([alice!.userId, bob!.userId, carol!.userId].sort());
    expect((full.body["state"] as Json[]).some((e) => e["type"] === "m.room.power_levels")).toBe(true);
  });

  it("answers 400 M_INVALID_PARAM for a bad filter and 404 for an event the reader may not see", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!);
    const id = await send(call, alice!, roomId, "hi");
    await waitForEvent(call, alice!, roomId, id);
    const at = (filter: string) => path(roomId, `context/${encodeURIComponent(id)}?filter=${filter}`);
    await expectStatus(call("GET", at("%7Bnope"), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", at(q({ limit: -1 })), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", at(q({ not_senders: [42] })), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", at(q({ include_redundant_members: "no" })), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", at(q({ types: ["m.room.message"] })), { token: eve!.accessToken }), 404, "M_NOT_FOUND");
  });
});
