// POST/GET /user/{userId}/filter: round trip, deduplication, validation, other users, and filter IDs in /sync.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, roomApp, userPath, users } from "./support";

const DEFINITION = {
  room: { timeline: { limit: 1, types: ["m.room.*"], not_senders: ["@spam:example.com"] }, state: { lazy_load_members: true } },
  event_fields: ["type", "content", "sender"],
  // Not in the spec: kept as uploaded, since GET answers with what the client sent.
  "org.example.custom": true,
};

describe("filters", () => {
  const call = roomApp();

  it("stores a filter and gives it back; an ID never starts with '{'; the same definition keeps its ID", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const created = await expectStatus(call("POST", userPath(alice!, "filter"), { token, body: DEFINITION }), 200);
    const filterId = created.body["filter_id"] as string;
    expect(typeof filterId).toBe("string");
    expect(filterId.startsWith("{")).toBe(false);
    const got = await expectStatus(call("GET", userPath(alice!, `filter/${filterId}`), { token }), 200);
    expect(got.body).toEqual(DEFINITION);
    const again = await expectStatus(call("POST", userPath(alice!, "filter"), { token, body: DEFINITION }), 200);
    expect(again.body["filter_id"]).toBe(filterId);
    const other = await expectStatus(call("POST", userPath(alice!, "filter"), { token, body: {} }), 200);
    expect(other.body["filter_id"]).not.toBe(filterId);
    await expectStatus(call("GET", userPath(alice!, `filter/${other.body["filter_id"] as string}`), { token }), 200);
  });

  it("refuses invalid definitions with 400 M_BAD_JSON, and bodies that are not JSON with M_NOT_JSON", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const bad = [
      { room: { timeline: { limit: "ten" } } },
      { room: { timeline: { limit: 0 } } },
      { room: { rooms: ["not-a-room"] } },
      { presence: { senders: ["alice"] } },
      { event_format: "xml" },
      { room: "everything" },
      { event_fields: [1] },
    ];
    for (const body of bad) {
      const res = await expectStatus(call("POST", userPath(alice!, "filter"), { token, body }), 400, "M_BAD_JSON");
      expect(res.body["error"]).toMatch(/filter/i);
    }
    await expectStatus(call("POST", userPath(alice!, "filter"), { token, body: [1] }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", userPath(alice!, "filter"), { token, raw: "{nope" }), 400, "M_NOT_JSON");
  });

  it("answers 403 for another user's filters and 404 for unknown IDs", async () => {
    const [alice, bob] = await users(call, 2);
    const created = await expectStatus(call("POST", userPath(alice!, "filter"), { token: alice!.accessToken, body: {} }), 200);
    const filterId = created.body["filter_id"] as string;
    await expectStatus(call("POST", userPath(alice!, "filter"), { token: bob!.accessToken, body: {} }), 403, "M_FORBIDDEN");
    await expectStatus(call("GET", userPath(alice!, `filter/${filterId}`), { token: bob!.accessToken }), 403, "M_FORBIDDEN");
    // Bob's own namespace does not hold Alice's filter.
    await expectStatus(call("GET", userPath(bob!, `filter/${filterId}`), { token: bob!.accessToken }), 404, "M_NOT_FOUND");
    for (const id of ["999999999", "abc", "0", "1e3", "%7B%7D"]) {
      await expectStatus(call("GET", userPath(alice!, `filter/${id}`), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    }
    await expectStatus(call("GET", userPath(alice!, `filter/${filterId}`)), 401, "M_MISSING_TOKEN");
  });

  it("applies a stored filter named in /sync, and refuses an unknown filter ID or an invalid inline filter", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    const roomId = await createRoom(call, alice!);
    const created = await expectStatus(call("POST", userPath(alice!, "filter"), { token, body: { room: { timeline: { limit: 1 } } } }), 200);
    const filterId = created.body["filter_id"] as string;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await expectStatus(call("GET", `sync?filter=${filterId}`, { token }), 200);
      const room = ((res.body["rooms"] as Record<string, unknown>)["join"] as Record<string, { timeline: { events: unknown[]; limited: boolean } }>)[roomId];
      if (room !== undefined && room.timeline.limited) {
        expect(room.timeline.events).toHaveLength(1);
        break;
      }
      if (Date.now() > deadline) throw new Error("room never appeared");
      await new Promise((r) => setTimeout(r, 50));
    }
    await expectStatus(call("GET", "sync?filter=424242424", { token }), 400, "M_INVALID_PARAM");
    const inline = encodeURIComponent(JSON.stringify({ room: { timeline: { limit: "many" } } }));
    await expectStatus(call("GET", `sync?filter=${inline}`, { token }), 400, "M_INVALID_PARAM");
  });
});
