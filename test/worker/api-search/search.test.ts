// POST /search (room_events): FTS5 matching, keys, ordering, paging, context, state, groups, and who may find what.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users, type Call, type Registered } from "../api-rooms/support";
import { waitForEvent, waitForEventState } from "../api-events/support";

type Json = Record<string, unknown>;

const roomEvents = (body: Json): Json => (body["search_categories"] as Json)["room_events"] as Json;
const resultIds = (body: Json): string[] => (roomEvents(body)["results"] as Json[]).map((r) => (r["result"] as Json)["event_id"] as string);

async function search(call: Call, user: Registered, request: Json, nextBatch?: string) {
  const query = nextBatch === undefined ? "" : `?next_batch=${encodeURIComponent(nextBatch)}`;
  return expectStatus(call("POST", `search${query}`, { token: user.accessToken, body: { search_categories: { room_events: request } } }), 200);
}

/** A word no other test sends, so tests sharing the database find only their own events. */
const unique = (): string => `w${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;

describe("POST /search", () => {
  const call = roomApp();

  it("finds message bodies by word and prefix, ranks them, and carries the event in the client format", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const word = unique();
    const once = await send(call, alice!, roomId, `the ${word} is here`);
    const twice = await send(call, alice!, roomId, `${word} ${word} ${word} again`);
    await send(call, alice!, roomId, "nothing to see");
    await waitForEvent(call, alice!, roomId, twice);
    const res = await search(call, alice!, { search_term: word.toUpperCase() });
    const events = roomEvents(res.body);
    expect(new Set(resultIds(res.body))).toEqual(new Set([once, twice]));
    expect(events["count"]).toBe(2);
    expect(events["highlights"]).toEqual([word]);
    const results = events["results"] as Json[];
    expect(results[0]!["rank"] as number).toBeGreaterThanOrEqual(results[1]!["rank"] as number);
    expect(results[0]!["result"]).toMatchObject({ room_id: roomId, type: "m.room.message", sender: alice!.userId });
    const prefix = await search(call, alice!, { search_term: word.slice(0, -2) });
    expect(resultIds(prefix.body)).toEqual(expect.arrayContaining([once, twice]));
    // FTS5 syntax in the term is plain text, never an error.
    const syntax = await search(call, alice!, { search_term: `"${word}" OR NEAR( * ^` });
    expect(resultIds(syntax.body)).toEqual([]);
  });

  it("searches room names and topics by key, and orders by recency with next_batch pages", async () => {
    const [alice] = await users(call, 1);
    const word = unique();
    const roomId = await createRoom(call, alice!, { name: `Name ${word}`, topic: `Topic ${word}` });
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) sent.push(await send(call, alice!, roomId, `${word} message ${i}`));
    await waitForEvent(call, alice!, roomId, sent[2]!);
    const names = await search(call, alice!, { search_term: word, keys: ["content.name"] });
    expect((roomEvents(names.body)["results"] as Json[]).map((r) => (r["result"] as Json)["type"])).toEqual(["m.room.name"]);
    const topics = await search(call, alice!, { search_term: word, keys: ["content.topic"] });
    expect((roomEvents(topics.body)["results"] as Json[]).map((r) => (r["result"] as Json)["type"])).toEqual(["m.room.topic"]);

    const request = { search_term: word, keys: ["content.body"], order_by: "recent", filter: { limit: 2 } };
    const page1 = await search(call, alice!, request);
    expect(resultIds(page1.body)).toEqual([sent[2], sent[1]]);
    const next = roomEvents(page1.body)["next_batch"] as string;
    const page2 = await search(call, alice!, request, next);
    expect(resultIds(page2.body)).toEqual([sent[0]]);
    expect(roomEvents(page2.body)["next_batch"]).toBeUndefined();

    const ranked = { search_term: word, filter: { limit: 3 } };
    const r1 = await search(call, alice!, ranked);
    const r2 = await search(call, alice!, ranked, roomEvents(r1.body)["next_batch"] as string);
    expect(new Set([...resultIds(r1.body), ...resultIds(r2.body)]).size).toBe(5);
  });

  it("returns context, state and groups when asked", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!, { name: "Context search" });
    const word = unique();
    const before = await send(call, alice!, roomId, "before");
    const hit = await send(call, alice!, roomId, `${word}`);
    const after = await send(call, alice!, roomId, "after");
    await waitForEvent(call, alice!, roomId, after);
    const res = await search(call, alice!, {
      search_term: word,
      event_context: { before_limit: 1, after_limit: 1, include_profile: true },
      include_state: true,
      groupings: { group_by: [{ key: "room_id" }, { key: "sender" }] },
    });
    const events = roomEvents(res.body);
    const result = (events["results"] as Json[])[0]!;
    expect((result["result"] as Json)["event_id"]).toBe(hit);
    const context = result["context"] as Json;
    expect((context["events_before"] as Json[]).map((e) => e["event_id"])).toEqual([before]);
    expect((context["events_after"] as Json[]).map((e) => e["event_id"])).toEqual([after]);
    expect(typeof context["start"]).toBe("string");
    expect(context["profile_info"] as Json).toHaveProperty(alice!.userId);
    const state = (events["state"] as Json)[roomId] as Json[];
    expect(state.map((e) => e["type"])).toContain("m.room.name");
    const groups = events["groups"] as Json;
    expect((groups["room_id"] as Json)[roomId]).toEqual({ order: 1, results: [hit] });
    expect(((groups["sender"] as Json)[alice!.userId] as Json)["results"]).toEqual([hit]);
  });

  it("finds nothing in rooms the user never joined, nothing sent after they left, and no redacted events", async () => {
    const [alice, bob, eve] = await users(call, 3);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    const word = unique();
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const seen = await send(call, alice!, roomId, `${word} while bob is here`);
    const gone = await send(call, alice!, roomId, `${word} to be redacted`);
    await waitForEvent(call, bob!, roomId, gone);
    await expectStatus(call("POST", path(roomId, "leave"), { token: bob!.accessToken }), 200);
    const later = await send(call, alice!, roomId, `${word} after bob left`);
    await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(gone)}/s1`), { token: alice!.accessToken, body: {} }), 200);
    await waitForEventState(call, alice!, roomId, gone, (e) => (e["unsigned"] as Json)["redacted_because"] !== undefined);
    await waitForEvent(call, alice!, roomId, later);

    expect(new Set(resultIds((await search(call, alice!, { search_term: word })).body))).toEqual(new Set([seen, later]));
    expect(resultIds((await search(call, bob!, { search_term: word })).body)).toEqual([seen]);
    expect(resultIds((await search(call, eve!, { search_term: word })).body)).toEqual([]);
    expect(resultIds((await search(call, alice!, { search_term: word, filter: { rooms: ["!elsewhere:test"] } })).body)).toEqual([]);
    expect(resultIds((await search(call, alice!, { search_term: word, filter: { not_senders: [alice!.userId] } })).body)).toEqual([]);
  });

  it("leaves end-to-end encrypted rooms out", async () => {
    const [alice] = await users(call, 1);
    const word = unique();
    const roomId = await createRoom(call, alice!, { name: `Secret ${word}` });
    const plain = await send(call, alice!, roomId, `${word} before encryption`);
    await waitForEvent(call, alice!, roomId, plain);
    expect(resultIds((await search(call, alice!, { search_term: word, keys: ["content.body"] })).body)).toEqual([plain]);
    const res = await call("PUT", path(roomId, "state/m.room.encryption/"), { token: alice!.accessToken, body: { algorithm: "m.megolm.v1.aes-sha2" } });
    expect(res.status).toBe(200);
    await waitForEvent(call, alice!, roomId, res.body["event_id"] as string);
    expect(resultIds((await search(call, alice!, { search_term: word })).body)).toEqual([]);
  });

  it("answers 400 for a malformed body or token and 401 without a token", async () => {
    const [alice] = await users(call, 1);
    const token = alice!.accessToken;
    await expectStatus(call("POST", "search", { token, body: {} }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "search", { token, body: { search_categories: { room_events: {} } } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "search", { token, body: { search_categories: { room_events: { search_term: "x", order_by: "best" } } } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "search", { token, body: { search_categories: { room_events: { search_term: "x", keys: ["content.url"] } } } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "search", { token, body: { search_categories: { room_events: { search_term: "x", filter: { limit: "ten" } } } } }), 400, "M_BAD_JSON");
    await expectStatus(call("POST", "search?next_batch=p12", { token, body: { search_categories: { room_events: { search_term: "x" } } } }), 400, "M_INVALID_PARAM");
    await expectStatus(call("POST", "search", { body: { search_categories: {} } }), 401, "M_MISSING_TOKEN");
    const empty = await expectStatus(call("POST", "search", { token, body: { search_categories: { room_events: { search_term: "  !! " } } } }), 200);
    expect(roomEvents(empty.body)["results"]).toEqual([]);
  });
});
