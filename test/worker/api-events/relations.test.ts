// GET /relations (filters, paging, recursion), bundled aggregations (m.thread, m.replace, m.reference) and GET /threads.
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";
import { edit, sendContent, text, threadReply, v1Path, waitForEvent, waitForEventState } from "./support";

type Json = Record<string, unknown>;
const ids = (events: unknown): string[] => (events as Json[]).map((e) => e["event_id"] as string);
const relationsOf = (event: Json): Json | undefined => (event["unsigned"] as Json | undefined)?.["m.relations"] as Json | undefined;

describe("GET /rooms/{roomId}/relations/{eventId}", () => {
  const call = roomApp();

  it("lists children newest first, filters by rel_type and event type, and pages with next_batch both ways", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const root = await send(call, alice!, roomId, "root");
    const r1 = await sendContent(call, alice!, roomId, threadReply(root, "one"));
    const r2 = await sendContent(call, alice!, roomId, threadReply(root, "two"));
    const r3 = await sendContent(call, alice!, roomId, threadReply(root, "three"));
    const ref = await sendContent(call, alice!, roomId, { "m.relates_to": { rel_type: "m.reference", event_id: root } }, "org.example.ref");
    await waitForEvent(call, alice!, roomId, ref);
    const token = alice!.accessToken;
    const all = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}`), { token }), 200);
    expect(ids(all.body["chunk"])).toEqual([ref, r3, r2, r1]);
    expect(all.body["next_batch"]).toBeUndefined();
    expect(all.body["recursion_depth"]).toBeUndefined();
    const threads = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}/m.thread`), { token }), 200);
    expect(ids(threads.body["chunk"])).toEqual([r3, r2, r1]);
    const typed = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}/m.reference/org.example.ref`), { token }), 200);
    expect(ids(typed.body["chunk"])).toEqual([ref]);
    const none = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}/m.thread/org.example.ref`), { token }), 200);
    expect(none.body["chunk"]).toEqual([]);

    const page1 = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}/m.thread?limit=2`), { token }), 200);
    expect(ids(page1.body["chunk"])).toEqual([r3, r2]);
    const next = page1.body["next_batch"] as string;
    const page2 = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}/m.thread?limit=2&from=${next}`), { token }), 200);
    expect(ids(page2.body["chunk"])).toEqual([r1]);
    expect(page2.body["prev_batch"]).toBe(next);
    expect(page2.body["next_batch"]).toBeUndefined();
    const forward = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}/m.thread?dir=f&limit=2`), { token }), 200);
    expect(ids(forward.body["chunk"])).toEqual([r1, r2]);
    const forward2 = await expectStatus(
      call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}/m.thread?dir=f&limit=2&from=${forward.body["next_batch"] as string}`), { token }),
      200,
    );
    expect(ids(forward2.body["chunk"])).toEqual([r3]);
  });

  it("recurses through matching children when asked, and reports the depth", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const root = await send(call, alice!, roomId, "root");
    const child = await sendContent(call, alice!, roomId, { "m.relates_to": { rel_type: "m.reference", event_id: root } }, "org.example.ref");
    const grandchild = await sendContent(call, alice!, roomId, { "m.relates_to": { rel_type: "m.reference", event_id: child } }, "org.example.ref");
    const other = await sendContent(call, alice!, roomId, { "m.relates_to": { rel_type: "m.annotation", event_id: child, key: "x" } }, "m.reaction");
    await waitForEvent(call, alice!, roomId, other);
    const token = alice!.accessToken;
    const flat = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}`), { token }), 200);
    expect(ids(flat.body["chunk"])).toEqual([child]);
    const deep = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}?recurse=true`), { token }), 200);
    expect(ids(deep.body["chunk"])).toEqual([other, grandchild, child]);
    expect(deep.body["recursion_depth"]).toBe(3);
    const refsOnly = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}/m.reference?recurse=true`), { token }), 200);
    expect(ids(refsOnly.body["chunk"])).toEqual([grandchild, child]);
  });

  it("answers 404 for strangers and unknown events, 400 for bad parameters", async () => {
    const [alice, eve] = await users(call, 2);
    const roomId = await createRoom(call, alice!);
    const root = await send(call, alice!, roomId, "root");
    await waitForEvent(call, alice!, roomId, root);
    await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}`), { token: eve!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", v1Path(roomId, "relations/%24nope"), { token: alice!.accessToken }), 404, "M_NOT_FOUND");
    await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}?dir=up`), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}?from=bogus`), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
    await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}?recurse=maybe`), { token: alice!.accessToken }), 400, "M_INVALID_PARAM");
  });
});

describe("bundled aggregations in unsigned.m.relations", () => {
  const call = roomApp();

  it("bundles a thread's latest event, count and participation, the latest valid edit, and references", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const root = await send(call, bob!, roomId, "root");
    await sendContent(call, bob!, roomId, threadReply(root, "bob in thread"));
    const latest = await sendContent(call, bob!, roomId, threadReply(root, "bob again"));
    await sendContent(call, bob!, roomId, edit(root, "first edit"));
    const lastEdit = await sendContent(call, bob!, roomId, edit(root, "second edit"));
    // Not valid edits: another sender, and no m.new_content.
    await sendContent(call, alice!, roomId, edit(root, "alice cannot edit bob"));
    const bad = await sendContent(call, bob!, roomId, text("x", { "m.relates_to": { rel_type: "m.replace", event_id: root } }));
    const latestEdit = await sendContent(call, bob!, roomId, edit(latest, "edited reply"));
    await waitForEvent(call, bob!, roomId, latestEdit);
    await waitForEvent(call, bob!, roomId, bad);

    const forAlice = await waitForEvent(call, alice!, roomId, root);
    const relations = relationsOf(forAlice)!;
    const thread = relations["m.thread"] as Json;
    expect(thread["count"]).toBe(2);
    expect(thread["current_user_participated"]).toBe(false);
    const latestEvent = thread["latest_event"] as Json;
    expect(latestEvent["event_id"]).toBe(latest);
    expect((relationsOf(latestEvent)!["m.replace"] as Json)["event_id"]).toBe(latestEdit);
    expect((relations["m.replace"] as Json)["event_id"]).toBe(lastEdit);
    expect(forAlice["content"]).toMatchObject({ body: "root" });

    const forBob = await waitForEvent(call, bob!, roomId, root);
    expect((relationsOf(forBob)!["m.thread"] as Json)["current_user_participated"]).toBe(true);

    // Redacting the original drops m.replace from its bundle; redacting a reply drops it from the count.
    await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(latest)}/agg1`), { token: bob!.accessToken, body: {} }), 200);
    const afterReplyRedaction = await waitForEventState(call, alice!, roomId, root, (e) => (relationsOf(e)?.["m.thread"] as Json)["count"] === 1);
    expect(((relationsOf(afterReplyRedaction)!["m.thread"] as Json)["latest_event"] as Json)["content"]).toMatchObject({ body: "bob in thread" });
    await expectStatus(call("PUT", path(roomId, `redact/${encodeURIComponent(root)}/agg2`), { token: bob!.accessToken, body: {} }), 200);
    const redactedRoot = await waitForEventState(call, alice!, roomId, root, (e) => relationsOf(e)?.["m.replace"] === undefined);
    expect(redactedRoot["content"]).toEqual({});
    expect(relationsOf(redactedRoot)?.["m.thread"]).toBeDefined();
  });
});

describe("GET /rooms/{roomId}/threads", () => {
  const call = roomApp();

  it("lists roots by latest activity, pages, and narrows to the user's threads", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const a = await send(call, alice!, roomId, "thread A");
    const b = await send(call, bob!, roomId, "thread B");
    const c = await send(call, bob!, roomId, "thread C");
    await sendContent(call, alice!, roomId, threadReply(a, "a1"));
    await sendContent(call, bob!, roomId, threadReply(b, "b1"));
    await sendContent(call, bob!, roomId, threadReply(c, "c1"));
    const last = await sendContent(call, bob!, roomId, threadReply(a, "a2"));
    await waitForEvent(call, alice!, roomId, last);
    const token = alice!.accessToken;
    const all = await expectStatus(call("GET", v1Path(roomId, "threads"), { token }), 200);
    expect(ids(all.body["chunk"])).toEqual([a, c, b]);
    expect(((all.body["chunk"] as Json[])[0]!["unsigned"] as Json)["m.relations"]).toBeDefined();
    const first = await expectStatus(call("GET", v1Path(roomId, "threads?limit=2"), { token }), 200);
    expect(ids(first.body["chunk"])).toEqual([a, c]);
    const rest = await expectStatus(call("GET", v1Path(roomId, `threads?limit=2&from=${first.body["next_batch"] as string}`), { token }), 200);
    expect(ids(rest.body["chunk"])).toEqual([b]);
    expect(rest.body["next_batch"]).toBeUndefined();
    const mine = await expectStatus(call("GET", v1Path(roomId, "threads?include=participated"), { token }), 200);
    expect(ids(mine.body["chunk"])).toEqual([a]);
    await expectStatus(call("GET", v1Path(roomId, "threads?include=some"), { token }), 400, "M_INVALID_PARAM");
    const [eve] = await users(call, 1);
    await expectStatus(call("GET", v1Path(roomId, "threads"), { token: eve!.accessToken }), 403, "M_FORBIDDEN");
  });
});
