// POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync (MSC4186) through the app, on real D1, queues and the notifier.
import { describe, expect, it } from "vitest";
import { type Call, createRoom, expectStatus, path, type Registered, roomApp, send, syncUntil, users } from "../api-rooms/support";

type Json = Record<string, unknown>;
const SS = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";

const slide = (call: Call, user: Registered, body: Json, query = "") => call("POST", `${SS}${query}`, { token: user.accessToken, body });
const roomsOf = (body: Json) => body["rooms"] as Record<string, Json>;

/** Waits (through /sync) until the read model has projected `eventId` in `roomId`. */
const projected = (call: Call, user: Registered, roomId: string, eventId: string) =>
  syncUntil(call, user, roomId, (events) => events.some((e) => e.event_id === eventId));

describe("simplified sliding sync", () => {
  const call = roomApp();

  it("a list range picks the most recent rooms; an incremental request sends only the room that moved", async () => {
    const [alice] = await users(call, 1);
    const a = await createRoom(call, alice!);
    const b = await createRoom(call, alice!);
    const c = await createRoom(call, alice!);
    await send(call, alice!, b, "b");
    await send(call, alice!, c, "c");
    const last = await send(call, alice!, a, "a");
    await projected(call, alice!, a, last);
    const list = { all: { ranges: [[0, 1]], timeline_limit: 1, required_state: [["m.room.create", ""]] } };
    const first = await expectStatus(slide(call, alice!, { lists: list }), 200);
    expect(first.body["lists"]).toEqual({ all: { count: 3 } });
    const rooms = roomsOf(first.body);
    expect(Object.keys(rooms).sort()).toEqual([a, c].sort());
    expect(rooms[a]!["heroes"]).toEqual([]);
    const roomA = rooms[a]!;
    expect(roomA["initial"]).toBe(true);
    expect((roomA["bump_stamp"] as number) > (rooms[c]!["bump_stamp"] as number)).toBe(true);
    expect((roomA["timeline"] as Json[]).map((e) => e["event_id"])).toEqual([last]);
    expect(roomA["limited"]).toBe(true);
    expect(typeof roomA["prev_batch"]).toBe("string");
    expect(roomA["joined_count"]).toBe(1);
    expect((roomA["required_state"] as Json[]).map((e) => e["type"])).toEqual(["m.room.create"]);

    const moved = await send(call, alice!, b, "b again");
    await projected(call, alice!, b, moved);
    const next = await expectStatus(slide(call, alice!, { lists: list }, `?pos=${first.body["pos"] as string}`), 200);
    const changed = roomsOf(next.body);
    expect(Object.keys(changed)).toEqual([b]);
    expect(changed[b]!["initial"]).toBeUndefined();
    expect((changed[b]!["timeline"] as Json[]).map((e) => e["event_id"])).toEqual([moved]);
    expect(changed[b]!["num_live"]).toBe(1);
  });

  it("required_state: [*,*], [m.room.member,$LAZY] and [m.room.member,$ME]", async () => {
    const [alice, bob, carol] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { invite: [bob!.userId, carol!.userId], name: "Lounge" });
    await expectStatus(call("POST", path(roomId, "join"), { token: carol!.accessToken }), 200);
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const last = await send(call, bob!, roomId, "hi");
    await projected(call, alice!, roomId, last);
    const stateFor = async (requiredState: string[][]) => {
      const res = await expectStatus(slide(call, alice!, { room_subscriptions: { [roomId]: { timeline_limit: 1, required_state: requiredState } } }), 200);
      const room = roomsOf(res.body)[roomId]!;
      expect(room["name"]).toBe("Lounge");
      return (room["required_state"] as Json[]).map((e) => `${e["type"] as string}|${e["state_key"] as string}`);
    };
    const all = await stateFor([["*", "*"]]);
    expect(all).toEqual(expect.arrayContaining(["m.room.create|", "m.room.name|", `m.room.member|${alice!.userId}`, `m.room.member|${bob!.userId}`]));
    const hero = await expectStatus(slide(call, bob!, { room_subscriptions: { [roomId]: { timeline_limit: 1, required_state: [] } } }), 200);
    // The room has a name, so no heroes; a nameless room's heroes carry their display names.
    expect(roomsOf(hero.body)[roomId]!["heroes"]).toBeUndefined();
    const lazy = await stateFor([["m.room.member", "$LAZY"]]);
    expect(lazy.sort()).toEqual([`m.room.member|${alice!.userId}`, `m.room.member|${bob!.userId}`].sort());
    expect(await stateFor([["m.room.member", "$ME"]])).toEqual([`m.room.member|${alice!.userId}`]);
    // The MSC's object form: everything but members, members lazily.
    const objectForm = (await stateFor({ include: [{}], exclude: [{ type: "m.room.power_levels" }], lazy_members: true } as never)) as string[];
    expect(objectForm).toEqual(expect.arrayContaining(["m.room.create|", "m.room.name|", `m.room.member|${bob!.userId}`]));
    expect(objectForm).not.toContain("m.room.power_levels|");
    // Lazy members with a timeline of bob's message: bob and the user themself only.
    expect(objectForm.filter((k) => k.startsWith("m.room.member|")).sort()).toEqual([`m.room.member|${alice!.userId}`, `m.room.member|${bob!.userId}`].sort());
    const sameTypes = (await stateFor({ include: [{ type: "m.room.member" }] } as never)) as string[];
    expect(sameTypes.sort()).toEqual([alice!, bob!, carol!].map((u) => `m.room.member|${u.userId}`).sort());
  });

  it("a room the user was kicked from is listed; one they left themselves is not", async () => {
    const [alice, bob] = await users(call, 2);
    const kickedFrom = await createRoom(call, alice!, { invite: [bob!.userId] });
    const leftRoom = await createRoom(call, alice!, { invite: [bob!.userId] });
    for (const roomId of [kickedFrom, leftRoom]) await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", path(leftRoom, "leave"), { token: bob!.accessToken, body: {} }), 200);
    await expectStatus(call("POST", path(kickedFrom, "kick"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    const leftBy = (roomId: string) =>
      syncUntil(call, alice!, roomId, (events) => events.some((e) => e.type === "m.room.member" && e.state_key === bob!.userId && e.content["membership"] === "leave"));
    await leftBy(kickedFrom);
    await leftBy(leftRoom);
    const res = await expectStatus(slide(call, bob!, { lists: { all: { ranges: [[0, 9]], timeline_limit: 1, required_state: [] } } }), 200);
    expect(res.body["lists"]).toEqual({ all: { count: 1 } });
    expect(Object.keys(roomsOf(res.body))).toEqual([kickedFrom]);
    // Banned from a room never joined: not listed; banned after joining: listed.
    const neverJoined = await createRoom(call, alice!);
    await expectStatus(call("POST", path(neverJoined, "ban"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    await expectStatus(call("POST", path(kickedFrom, "ban"), { token: alice!.accessToken, body: { user_id: bob!.userId } }), 200);
    const banned = (roomId: string) =>
      syncUntil(call, alice!, roomId, (events) => events.some((e) => e.type === "m.room.member" && e.state_key === bob!.userId && e.content["membership"] === "ban"));
    await banned(neverJoined);
    await banned(kickedFrom);
    const after = await expectStatus(slide(call, bob!, { lists: { all: { ranges: [[0, 9]], timeline_limit: 1, required_state: [] } } }), 200);
    expect(Object.keys(roomsOf(after.body))).toEqual([kickedFrom]);
    expect(roomsOf(after.body)[kickedFrom]!["membership"]).toBe("ban");
    expect(roomsOf(res.body)[kickedFrom]!["membership"]).toBe("leave");
  });

  it("bump_stamp follows messages, not state; an invite is not sent again for events the invitee cannot see", async () => {
    const [alice, bob] = await users(call, 2);
    const a = await createRoom(call, alice!);
    const b = await createRoom(call, alice!);
    const invitedTo = await createRoom(call, bob!, { invite: [alice!.userId] });
    const message = await send(call, alice!, a, "message");
    await projected(call, alice!, a, message);
    const topic = await call("PUT", path(b, "state/m.room.topic/"), { token: alice!.accessToken, body: { topic: "t" } });
    await projected(call, alice!, b, topic.body["event_id"] as string);
    const list = { all: { ranges: [[0, 0]], timeline_limit: 1, required_state: [] } };
    const first = await expectStatus(slide(call, alice!, { lists: list, room_subscriptions: { [a]: { timeline_limit: 1, required_state: [] } } }), 200);
    const rooms = roomsOf(first.body);
    expect(Object.keys(rooms).sort()).toEqual([a, b].sort());
    expect(rooms[b]!["lists"]).toEqual(["all"]);
    expect((rooms[a]!["bump_stamp"] as number) > (rooms[b]!["bump_stamp"] as number)).toBe(true);
    const bobSays = await send(call, bob!, invitedTo, "alice cannot see this yet");
    await projected(call, bob!, invitedTo, bobSays);
    const everything = { all: { ranges: [[0, 9]], timeline_limit: 1, required_state: [] } };
    const next = await expectStatus(slide(call, alice!, { lists: everything, pos: first.body["pos"] }), 200);
    expect(roomsOf(next.body)[invitedTo]).toBeUndefined();
  });

  it("a long-poll is woken by a message", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const list = { all: { ranges: [[0, 9]], timeline_limit: 5, required_state: [] } };
    const first = await expectStatus(slide(call, alice!, { lists: list }), 200);
    const started = Date.now();
    // pos and timeout in the body this time (clients send them either way).
    const poll = slide(call, alice!, { lists: list, pos: first.body["pos"], timeout: 20000 });
    await new Promise((r) => setTimeout(r, 200));
    const sent = await send(call, alice!, roomId, "wake up");
    const res = await expectStatus(poll, 200);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((roomsOf(res.body)[roomId]!["timeline"] as Json[]).map((e) => e["event_id"])).toContain(sent);
  });

  it("to_device and e2ee extensions", async () => {
    const [alice, bob] = await users(call, 2);
    await expectStatus(
      call("PUT", "sendToDevice/m.test/t1", { token: bob!.accessToken, body: { messages: { [alice!.userId]: { [alice!.deviceId]: { n: 1 } } } } }),
      200,
    );
    const res = await expectStatus(slide(call, alice!, { extensions: { to_device: { enabled: true }, e2ee: { enabled: true } } }), 200);
    const ext = res.body["extensions"] as Record<string, Json>;
    expect(ext["to_device"]!["events"]).toEqual([{ sender: bob!.userId, type: "m.test", content: { n: 1 } }]);
    expect(ext["e2ee"]).toMatchObject({ device_lists: { changed: [], left: [] }, device_one_time_keys_count: {}, device_unused_fallback_key_types: [] });
    // The next_batch acknowledges the message.
    const again = await expectStatus(
      slide(call, alice!, { extensions: { to_device: { enabled: true, since: ext["to_device"]!["next_batch"] } } }),
      200,
    );
    expect((again.body["extensions"] as Record<string, Json>)["to_device"]!["events"]).toEqual([]);
  });

  it("refuses an unknown pos and a bad body", async () => {
    const [alice] = await users(call, 1);
    await expectStatus(slide(call, alice!, {}, "?pos=nonsense"), 400, "M_UNKNOWN_POS");
    await expectStatus(slide(call, alice!, {}, "?pos=s999999999"), 400, "M_UNKNOWN_POS");
    await expectStatus(slide(call, alice!, { pos: "s999999999" }), 400, "M_UNKNOWN_POS");
    await expectStatus(slide(call, alice!, {}, "?set_presence=busy"), 400, "M_INVALID_PARAM");
    await expectStatus(slide(call, alice!, { set_presence: "busy" }), 400, "M_INVALID_PARAM");
    await expectStatus(slide(call, alice!, { lists: [] }), 400, "M_BAD_JSON");
    await expectStatus(slide(call, alice!, { lists: { a: { timeline_limit: 1, ranges: [[2, 1]] } } }), 400, "M_INVALID_PARAM");
  });
});
