// GET /rooms/{roomId}/messages with a `filter`: matching events fill the page, tokens skip the rest, lazy-loaded member state, bad filters.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users, type Call, type Registered } from "../api-rooms/support";
import { sendContent, waitForEvent } from "./support";

type Json = Record<string, unknown>;
const ids = (events: unknown): string[] => ((events as Json[] | undefined) ?? []).map((e) => e["event_id"] as string);
const q = (filter: unknown): string => encodeURIComponent(JSON.stringify(filter));

async function messages(call: Call, user: Registered, roomId: string, query: string): Promise<Json> {
  const res = await expectStatus(call("GET", path(roomId, `messages?${query}`), { token: user.accessToken }), 200);
  return res.body;
}

/** Every page of a walk, following `end` until the server gives none. */
async function walk(call: Call, user: Registered, roomId: string, query: string, start?: string): Promise<Json[]> {
  const pages: Json[] = [];
  let from: string | undefined = start;
  for (let i = 0; i < 20; i += 1) {
    const body = await messages(call, user, roomId, from === undefined ? query : `${query}&from=${from}`);
    pages.push(body);
    from = body["end"] as string | undefined;
    if (from === undefined) return pages;
  }
  throw new Error("pagination never ended");
}

describe("GET /rooms/{roomId}/messages filter", () => {
  const call = roomApp();

  it("counts only matching events toward the limit and pages past the skipped ones", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const a1 = await send(call, alice!, roomId, "a1");
    const b1 = await sendContent(call, bob!, roomId, { msgtype: "m.image", body: "cat.png", url: "mxc://example.org/cat" });
    const custom = await sendContent(call, alice!, roomId, { hello: 1 }, "org.example.thing");
    const a2 = await send(call, alice!, roomId, "a2");
    const b2 = await send(call, bob!, roomId, "b2");
    const a3 = await send(call, alice!, roomId, "a3");
    await waitForEvent(call, alice!, roomId, a3);

    // Bob's messages one at a time, backwards: the filter's skipped events never end a page early.
    const bobs = await walk(call, alice!, roomId, `dir=b&limit=1&filter=${q({ types: ["m.room.message"], senders: [bob!.userId] })}`);
    expect(bobs.map((p) => ids(p["chunk"]))).toEqual([[b2], [b1]]);
    expect(bobs.at(-1)!["end"]).toBeUndefined();

    // Forwards, two at a time, Alice's messages only.
    const alices = await walk(call, alice!, roomId, `dir=f&limit=2&filter=${q({ types: ["m.room.message"], not_senders: [bob!.userId] })}`, "s0");
    expect(alices.flatMap((p) => ids(p["chunk"]))).toEqual([a1, a2, a3]);

    // The filter's own limit applies when the query gives none; `*` globs; not_types wins over types.
    const globbed = await messages(call, alice!, roomId, `dir=b&filter=${q({ types: ["org.example.*", "m.room.*"], not_types: ["m.room.member", "m.room.create", "m.room.power_levels", "m.room.join_rules", "m.room.history_visibility", "m.room.guest_access"], limit: 2 })}`);
    expect(ids(globbed["chunk"])).toEqual([a3, b2]);
    expect(globbed["end"]).toBeDefined();
    const customs = await messages(call, alice!, roomId, `dir=b&filter=${q({ types: ["org.example.*"] })}`);
    expect(ids(customs["chunk"])).toEqual([custom]);

    // contains_url: only the image; false: every message but the image.
    const withUrl = await messages(call, alice!, roomId, `dir=b&filter=${q({ contains_url: true })}`);
    expect(ids(withUrl["chunk"])).toEqual([b1]);
    const withoutUrl = await messages(call, alice!, roomId, `dir=b&limit=50&filter=${q({ contains_url: false, types: ["m.room.message"] })}`);
    expect(ids(withoutUrl["chunk"])).toEqual([a3, b2, a2, a1]);

    // A filter whose not_rooms names this room leaves nothing; no lazy state without lazy_load_members.
    const excluded = await messages(call, alice!, roomId, `dir=b&filter=${q({ not_rooms: [roomId] })}`);
    expect(excluded["chunk"]).toEqual([]);
    expect(excluded["end"]).toBeUndefined();
    expect(withUrl["state"]).toBeUndefined();
  });

  it("lazy-loads the member events of the chunk's senders as they were at those events", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "join"), { token: carol!.accessToken }), 200);
    const b1 = await send(call, bob!, roomId, "b1");
    const memberPath = path(roomId, `state/m.room.member/${encodeURIComponent(bob!.userId)}`);
    await expectStatus(call("PUT", memberPath, { token: bob!.accessToken, body: { membership: "join", displayname: "Bobby" } }), 200);
    const b2 = await send(call, bob!, roomId, "b2");
    const a1 = await send(call, alice!, roomId, "a1");
    await waitForEvent(call, alice!, roomId, a1);

    const filter = q({ types: ["m.room.message"], lazy_load_members: true });
    const first = await messages(call, alice!, roomId, `dir=b&limit=2&filter=${filter}`);
    expect(ids(first["chunk"])).toEqual([a1, b2]);
    const state = first["state"] as Json[];
    expect(state.every((e) => e["type"] === "m.room.member")).toBe(true);
    expect(state.map((e) => e["state_key"]).sort()).toEqual([alice!.userId, bob!.userId].sort());
    const bobThen = state.find((e) => e["state_key"] === bob!.userId)!;
    expect((bobThen["content"] as Json)["displayname"]).toBe("Bobby");

    // The next page's Bob is the one who sent b1: before he chose a display name. Carol sent nothing.
    const second = await messages(call, alice!, roomId, `dir=b&limit=2&filter=${filter}&from=${first["end"] as string}`);
    expect(ids(second["chunk"])).toEqual([b1]);
    const earlier = second["state"] as Json[];
    expect(earlier.map((e) => e["state_key"])).toEqual([bob!.userId]);
    expect((earlier[0]!["content"] as Json)["displayname"]).not.toBe("Bobby");
    expect((earlier[0]!["content"] as Json)["membership"]).toBe("join");
  });

  it("answers 400 M_INVALID_PARAM for a filter that is not a RoomEventFilter in JSON", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const bad = async (filter: string) =>
      expectStatus(call("GET", path(roomId, `messages?dir=b&filter=${filter}`), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await bad("%7Bnope");
    await bad("not-json-or-an-id");
    await bad(q([]));
    await bad(q({ limit: 0 }));
    await bad(q({ limit: 1.5 }));
    await bad(q({ types: "m.room.message" }));
    await bad(q({ senders: ["not-a-user"] }));
    await bad(q({ contains_url: "yes" }));
    await bad(q({ lazy_load_members: 1 }));
    // The other answers stay as they were: a stranger is refused before the filter matters.
    const [eve] = await users(call, 1);
    await expectStatus(call("GET", path(roomId, `messages?dir=b&filter=${q({ types: ["m.room.message"] })}`), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", path(roomId, `messages?dir=x&filter=${q({})}`), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
  });
});
