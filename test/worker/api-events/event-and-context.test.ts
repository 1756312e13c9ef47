// GET /rooms/{roomId}/event/{eventId} and GET /rooms/{roomId}/context/{eventId}: answers, visibility and tokens.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";
import { waitForEvent } from "./support";

type Json = Record<string, unknown>;
const ids = (events: unknown): string[] => (events as Json[]).map((e) => e["event_id"] as string);

describe("GET /rooms/{roomId}/event/{eventId}", () => {
  const call = roomApp();

  it("returns the event in the client format to a member, with the sender's transaction ID", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const id = await send(call, alice!, roomId, "hello");
    const event = await waitForEvent(call, alice!, roomId, id);
    expect(event).toMatchObject({ event_id: id, room_id: roomId, type: "m.room.message", sender: alice!.userId, content: { body: "hello" } });
    expect(event["hashes"]).toBeUndefined();
    expect((event["unsigned"] as Json)["transaction_id"]).toMatch(/^t/);
  });

  it("reads the sender's own write: the event straight after the send's 200, before the projection is awaited", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    for (let i = 0; i < 5; i++) {
      const id = await send(call, alice!, roomId, `fresh ${i}`);
      const res = await expectStatus(call("GET", path(roomId, `event/${encodeURIComponent(id)}`), { token: alice!.accessToken }), 200);
      expect(res.body["event_id"]).toBe(id);
    }
  });

  it("answers 404 M_NOT_FOUND for unknown events, strangers, and events after a member left", async () => {
    const [alice, bob, eve] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const before = await send(call, alice!, roomId, "before bob leaves");
    await waitForEvent(call, bob!, roomId, before);
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    const after = await send(call, alice!, roomId, "after bob left");
    await waitForEvent(call, alice!, roomId, after);
    // Bob still reads what he saw as a member, not what came after.
    await waitForEvent(call, bob!, roomId, before);
    await expectStatus(call("GET", path(roomId, `event/${encodeURIComponent(after)}`), { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", path(roomId, `event/${encodeURIComponent(before)}`), { token: eve!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", path(roomId, "event/%24nope"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", path("!other:test", `event/${encodeURIComponent(before)}`), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", path("not-a-room", "event/%24x"), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, "event/%24x")), 401, "M_MISSING_TOKEN");
  });
});

describe("GET /rooms/{roomId}/context/{eventId}", () => {
  const call = roomApp();

  it("splits the limit around the event, returns the state and /messages-compatible tokens", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!, { name: "Context room" });
    const sent: string[] = [];
    for (let i = 0; i < 7; i++) sent.push(await send(call, alice!, roomId, `c${i}`));
    await waitForEvent(call, alice!, roomId, sent[6]!);
    const res = await expectStatus(call("GET", path(roomId, `context/${encodeURIComponent(sent[3]!)}?limit=4`), { token: alice!.accessToken }), 200);
    expect((res.body["event"] as Json)["event_id"]).toBe(sent[3]);
    expect(ids(res.body["events_before"])).toEqual([sent[2], sent[1]]);
    expect(ids(res.body["events_after"])).toEqual([sent[4], sent[5]]);
    const state = res.body["state"] as Json[];
    expect(state.map((e) => e["type"])).toEqual(expect.arrayContaining(["m.room.create", "m.room.name", "m.room.member"]));

    const back = await expectStatus(call("GET", path(roomId, `messages?dir=b&limit=1&from=${res.body["start"] as string}`), { token: alice!.accessToken }), 200);
    expect(ids(back.body["chunk"])).toEqual([sent[0]]);
    const forward = await expectStatus(call("GET", path(roomId, `messages?dir=f&limit=5&from=${res.body["end"] as string}`), { token: alice!.accessToken }), 200);
    expect(ids(forward.body["chunk"])).toEqual([sent[6]]);
  });

  it("always returns the event itself, applies a filter, and answers 404 or 400 on bad requests", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!);
    const first = await send(call, alice!, roomId, "first");
    const second = await send(call, alice!, roomId, "second");
    await waitForEvent(call, alice!, roomId, second);
    const zero = await expectStatus(call("GET", path(roomId, `context/${encodeURIComponent(second)}?limit=0`), { token: alice!.accessToken }), 200);
    expect((zero.body["event"] as Json)["event_id"]).toBe(second);
    expect(zero.body["events_before"]).toEqual([]);
    const filter = encodeURIComponent(JSON.stringify({ types: ["m.room.message"] }));
    const filtered = await expectStatus(
      call("GET", path(roomId, `context/${encodeURIComponent(second)}?limit=10&filter=${filter}`), { token: alice!.accessToken }),
      200,
    );
    expect(ids(filtered.body["events_before"])).toEqual([first]);
    await expectStatus(call("GET", path(roomId, `context/${encodeURIComponent(second)}`), { token: eve!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", path(roomId, `context/${encodeURIComponent(second)}?limit=x`), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, `context/${encodeURIComponent(second)}?filter=%7Bnope`), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
  });
});
