// Account data and tags in /sync: initial and incremental, the s<pdu>_<account> token, long-poll wake-ups and filters.
import { describe, expect, it } from "vitest";
import {
  createRoom,
  expectStatus,
  globalAccountData,
  roomAccountData,
  roomApp,
  roomDataPath,
  syncUntilJoined,
  userPath,
  users,
} from "./support";

describe("account data in /sync", () => {
  const call = roomApp();

  it("initial sync carries global and per-room account data (m.tag included); incremental sync only what changed", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("PUT", userPath(alice!, "account_data/org.example.a"), { token, body: { n: 1 } }), 200);
    await expectStatus(call("PUT", userPath(alice!, "account_data/org.example.b"), { token, body: { n: 2 } }), 200);
    await expectStatus(call("PUT", roomDataPath(alice!, roomId, "tags/m.favourite"), { token, body: { order: 0.5 } }), 200);
    await expectStatus(call("PUT", roomDataPath(alice!, roomId, "account_data/org.example.r"), { token, body: { r: true } }), 200);

    const initial = await syncUntilJoined(call, alice!, roomId);
    expect(initial["next_batch"]).toMatch(/^s[0-9]+_[1-9][0-9]*(_[0-9]+)*$/);
    // m.push_rules is there too: the defaults, since Alice never edited a rule.
    const [pushRules, ...own] = globalAccountData(initial);
    expect(pushRules?.type).toBe("m.push_rules");
    expect(Object.keys(pushRules?.content["global"] as object)).toContain("override");
    expect(own).toEqual([
      { type: "org.example.a", content: { n: 1 } },
      { type: "org.example.b", content: { n: 2 } },
    ]);
    expect(roomAccountData(initial, roomId)).toEqual([
      { type: "m.tag", content: { tags: { "m.favourite": { order: 0.5 } } } },
      { type: "org.example.r", content: { r: true } },
    ]);

    // Nothing new: an incremental sync is empty.
    const since = initial["next_batch"] as string;
    const idle = await expectStatus(call("GET", `sync?since=${since}`, { token }), 200);
    expect(globalAccountData(idle.body)).toEqual([]);
    expect(roomAccountData(idle.body, roomId)).toBeUndefined();

    // A changed global type and a new tag: each appears once, with its latest content; the room
    // shows up for its account data alone, with no timeline events.
    await expectStatus(call("PUT", userPath(alice!, "account_data/org.example.b"), { token, body: { n: 3 } }), 200);
    await expectStatus(call("PUT", roomDataPath(alice!, roomId, "tags/u.work"), { token, body: {} }), 200);
    const next = await expectStatus(call("GET", `sync?since=${since}`, { token }), 200);
    expect(globalAccountData(next.body)).toEqual([{ type: "org.example.b", content: { n: 3 } }]);
    expect(roomAccountData(next.body, roomId)).toEqual([{ type: "m.tag", content: { tags: { "m.favourite": { order: 0.5 }, "u.work": {} } } }]);
    const joined = ((next.body["rooms"] as Record<string, unknown>)["join"] as Record<string, { timeline: { events: unknown[] } }>)[roomId];
    expect(joined?.timeline.events).toEqual([]);

    // Deleting a tag is a change too.
    const after = next.body["next_batch"] as string;
    await expectStatus(call("DELETE", roomDataPath(alice!, roomId, "tags/m.favourite"), { token }), 200);
    const removed = await expectStatus(call("GET", `sync?since=${after}`, { token }), 200);
    expect(roomAccountData(removed.body, roomId)).toEqual([{ type: "m.tag", content: { tags: { "u.work": {} } } }]);
  });

  it("accepts a token from before the account-data stream (s<pdu>) and sends all account data since", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const roomId = await createRoom(call, alice!);
    const initial = await syncUntilJoined(call, alice!, roomId);
    await expectStatus(call("PUT", userPath(alice!, "account_data/org.example.old"), { token, body: { v: 1 } }), 200);
    const pduOnly = (initial["next_batch"] as string).split("_")[0]!;
    expect(pduOnly).toMatch(/^s[0-9]+$/);
    const res = await expectStatus(call("GET", `sync?since=${pduOnly}`, { token }), 200);
    expect(globalAccountData(res.body)).toEqual([{ type: "org.example.old", content: { v: 1 } }]);
  });

  it("a room joined since the token comes with all its account data, even what was set before joining", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    const first = await expectStatus(call("GET", "sync", { token: bob!.accessToken }), 200);
    await expectStatus(call("PUT", roomDataPath(bob!, roomId, "tags/u.later"), { token: bob!.accessToken, body: { order: 0 } }), 200);
    // A sync between the tag and the join moves the token past the tag's position.
    const between = await expectStatus(call("GET", `sync?since=${first.body["next_batch"] as string}`, { token: bob!.accessToken }), 200);
    await expectStatus(call("POST", `rooms/${encodeURIComponent(roomId)}/join`, { token: bob!.accessToken, body: {} }), 200);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await expectStatus(call("GET", `sync?timeout=1000&since=${between.body["next_batch"] as string}`, { token: bob!.accessToken }), 200);
      const data = roomAccountData(res.body, roomId);
      if (data !== undefined) {
        expect(data).toEqual([{ type: "m.tag", content: { tags: { "u.later": { order: 0 } } } }]);
        return;
      }
      if (Date.now() > deadline) throw new Error("joined room never appeared");
    }
  });

  it("wakes a long-polling sync when account data changes", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const first = await expectStatus(call("GET", "sync", { token }), 200);
    const started = Date.now();
    const waiting = call("GET", `sync?timeout=10000&since=${first.body["next_batch"] as string}`, { token });
    await new Promise((r) => setTimeout(r, 300));
    await expectStatus(call("PUT", userPath(alice!, "account_data/org.example.wake"), { token, body: { up: true } }), 200);
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(9000);
    expect(globalAccountData(res.body)).toEqual([{ type: "org.example.wake", content: { up: true } }]);
  });

  it("applies the filter's account_data (global) and room.account_data (per room) parts", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const roomId = await createRoom(call, alice!);
    await expectStatus(call("PUT", userPath(alice!, "account_data/org.example.keep"), { token, body: {} }), 200);
    await expectStatus(call("PUT", userPath(alice!, "account_data/org.other.drop"), { token, body: {} }), 200);
    await expectStatus(call("PUT", roomDataPath(alice!, roomId, "tags/u.x"), { token, body: {} }), 200);
    await expectStatus(call("PUT", roomDataPath(alice!, roomId, "account_data/org.example.r"), { token, body: {} }), 200);
    await syncUntilJoined(call, alice!, roomId);
    const filter = { account_data: { types: ["org.example.*"] }, room: { account_data: { not_types: ["m.tag"] } } };
    const created = await expectStatus(call("POST", userPath(alice!, "filter"), { token, body: filter }), 200);
    const res = await expectStatus(call("GET", `sync?filter=${created.body["filter_id"] as string}`, { token }), 200);
    // m.push_rules is filtered out like any other type.
    expect(globalAccountData(res.body).map((e) => e.type)).toEqual(["org.example.keep"]);
    expect(roomAccountData(res.body, roomId)?.map((e) => e.type)).toEqual(["org.example.r"]);
    const noRooms = encodeURIComponent(JSON.stringify({ room: { not_rooms: [roomId] } }));
    const inline = await expectStatus(call("GET", `sync?filter=${noRooms}`, { token }), 200);
    // A room the filter leaves out is not in the sync at all (its account data with it).
    expect(roomAccountData(inline.body, roomId)).toBeUndefined();
  });
});
