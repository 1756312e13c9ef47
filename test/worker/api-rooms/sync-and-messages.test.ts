// GET /sync (initial, incremental, long-poll, bad since) and GET /rooms/{roomId}/messages through the routes.
import { describe, expect, it } from "vitest";
import { BIG_TIMELINE, createRoom, expectStatus, joinedSection, path, roomApp, send, syncUntil, timelineOf, users, type ClientEvent } from "./support";

describe("GET /sync", () => {
  const call = roomApp();

  it("gives a new room with its state and timeline, then only what is new; echoes the sender's transaction ID", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!, { name: "Synced" });
    const sentId = await send(call, alice!, roomId, "one");
    const first = await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.event_id === sentId));
    const mine = first.events.find((e) => e.event_id === sentId) as ClientEvent & { unsigned?: Record<string, unknown> };
    expect(mine.unsigned?.["transaction_id"]).toMatch(/^t/);
    const second = await send(call, alice!, roomId, "two");
    const next = await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.event_id === second), first.nextBatch);
    expect(next.events.map((e) => e.event_id)).toEqual([second]);
  });

  it("long-polls: a sync waiting with a token returns when a message arrives", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const seen = await syncUntil(call, bob!, roomId, (events) => events.some((e) => e.type === "m.room.member" && e.state_key === bob!.userId));
    const started = Date.now();
    const waiting = call("GET", `sync?timeout=10000&since=${seen.nextBatch}`, { token: bob!.accessToken });
    await new Promise((r) => setTimeout(r, 300));
    const sentId = await send(call, alice!, roomId, "wake up");
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(9000);
    expect(timelineOf(res.body, roomId).map((e) => e.event_id)).toContain(sentId);
  });

  it("returns after the timeout with nothing new and the same position", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const seen = await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.type === "m.room.guest_access"));
    // Other tests may write meanwhile; only this user's rooms count, and nothing is new for them.
    const res = await expectStatus(call("GET", `sync?timeout=300&since=${seen.nextBatch}`, { token: alice!.accessToken }), 200);
    expect((res.body["rooms"] as Record<string, unknown>)["join"]).toEqual({});
  });

  it("answers 400 M_INVALID_PARAM for an invalid since, timeout or filter", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    for (const since of ["bogus", "s-1", "s1_2_3_4_5_6_7_8_9_10_11_12"]) {
      await expectStatus(call("GET", `sync?since=${encodeURIComponent(since)}`, { token }), 400, "M_INVALID_PARAM");
    }
    await expectStatus(call("GET", "sync?timeout=soon", { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", `sync?filter=${encodeURIComponent("{nope")}`, { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", "sync"), 401, "M_MISSING_TOKEN");
  });

  it("shows an invite in rooms.invite with stripped state", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { name: "Invited", invite: [bob!.userId] });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await call("GET", "sync", { token: bob!.accessToken });
      const invite = ((res.body["rooms"] as Record<string, unknown>)["invite"] as Record<string, { invite_state: { events: ClientEvent[] } }>)[roomId];
      if (invite !== undefined) {
        expect(invite.invite_state.events.map((e) => e.type)).toContain("m.room.name");
        return;
      }
      if (Date.now() > deadline) throw new Error("invite not seen");
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});

describe("GET /rooms/{roomId}/messages", () => {
  const call = roomApp();

  it("pages backwards and forwards in room order", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await send(call, alice!, roomId, `m${i}`));
    const seen = await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.event_id === ids[4]));
    const token = alice!.accessToken;
    const back = await expectStatus(call("GET", path(roomId, `messages?dir=b&limit=3&from=${seen.nextBatch}`), { token }), 200);
    expect((back.body["chunk"] as ClientEvent[]).map((e) => e.event_id)).toEqual([ids[4], ids[3], ids[2]]);
    const more = await expectStatus(call("GET", path(roomId, `messages?dir=b&limit=2&from=${back.body["end"] as string}`), { token }), 200);
    expect((more.body["chunk"] as ClientEvent[]).map((e) => e.event_id)).toEqual([ids[1], ids[0]]);
    const forward = await expectStatus(call("GET", path(roomId, `messages?dir=f&limit=100`), { token }), 200);
    const messages = (forward.body["chunk"] as ClientEvent[]).filter((e) => e.type === "m.room.message").map((e) => e.event_id);
    expect(messages).toEqual(ids);
    expect((forward.body["chunk"] as ClientEvent[])[0]?.type).toBe("m.room.create");
    const bounded = await expectStatus(call("GET", path(roomId, `messages?dir=b&from=${seen.nextBatch}&to=${more.body["end"] as string}&limit=100`), { token }), 200);
    expect((bounded.body["chunk"] as ClientEvent[]).map((e) => e.event_id)).toEqual([...ids].reverse());
  });

  it("refuses a missing or wrong dir, bad tokens and limits, and non-members", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    const token = alice!.accessToken;
    await expectStatus(call("GET", path(roomId, "messages"), { token }), 400, "M_MISSING_PARAM");
    await expectStatus(call("GET", path(roomId, "messages?dir=x"), { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, "messages?dir=b&from=bogus"), { token }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", path(roomId, "messages?dir=b&limit=-1"), { token }), 400, "M_INVALID_PARAM");
    await syncUntil(call, alice!, roomId, (events) => events.length > 0);
    await expectStatus(call("GET", path(roomId, "messages?dir=b"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
  });
});

it("the initial sync of a room carries state and a limited timeline with prev_batch usable in /messages", async () => {
  const call = roomApp();
  const [alice] = await users(call, 1);
  const roomId = await createRoom(call, alice!, { name: "Paged" });
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push(await send(call, alice!, roomId, `p${i}`));
  await syncUntil(call, alice!, roomId, (events) => events.some((e) => e.event_id === ids[11]));
  const res = await expectStatus(call("GET", "sync?filter=" + encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 5 } } })), { token: alice!.accessToken }), 200);
  const room = joinedSection(res.body, roomId) as { timeline: { events: ClientEvent[]; limited: boolean; prev_batch: string }; state: { events: ClientEvent[] } };
  expect(room.timeline.events.map((e) => e.event_id)).toEqual(ids.slice(7));
  expect(room.timeline.limited).toBe(true);
  expect(room.state.events.map((e) => e.type)).toContain("m.room.name");
  const before = await call("GET", path(roomId, `messages?dir=b&limit=7&from=${room.timeline.prev_batch}`), { token: alice!.accessToken });
  expect((before.body["chunk"] as ClientEvent[]).map((e) => e.event_id)).toEqual(ids.slice(0, 7).reverse());
  expect(BIG_TIMELINE).toContain("1000");
});
