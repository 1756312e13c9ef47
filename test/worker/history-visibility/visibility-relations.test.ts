// History visibility on /relations, /threads and bundled aggregations: children a user may not see stay out.
import { describe, expect, it } from "vitest";
import { sendContent, threadReply, v1Path, waitForEvent } from "../api-events/support";
import { expectStatus, path, roomApp, users } from "../api-rooms/support";
import { act, roomWithVisibility, sendProjected, type Json } from "./support";

const ids = (events: unknown): string[] => (events as Json[]).map((e) => e["event_id"] as string);
const threadOf = (event: Json): Json | undefined => ((event["unsigned"] as Json | undefined)?.["m.relations"] as Json | undefined)?.["m.thread"] as Json | undefined;

describe("history visibility on relations and threads", () => {
  const call = roomApp();

  it("joined: a root sent before the user joined is not found; later roots and replies are", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "joined");
    const oldRoot = await sendProjected(call, alice!, roomId, "old root");
    await sendContent(call, alice!, roomId, threadReply(oldRoot, "old reply"));
    await act(call, bob!, roomId, "join");
    const lateReply = await sendContent(call, alice!, roomId, threadReply(oldRoot, "reply after bob joined"));
    const newRoot = await sendProjected(call, alice!, roomId, "new root");
    const newReply = await sendContent(call, alice!, roomId, threadReply(newRoot, "new reply"));
    await waitForEvent(call, alice!, roomId, newReply);
    const token = bob!.accessToken;

    await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(oldRoot)}`), { token }), 404, "M_NOT_FOUND");
    const children = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(newRoot)}`), { token }), 200);
    expect(ids(children.body["chunk"])).toEqual([newReply]);
    const threads = await expectStatus(call("GET", v1Path(roomId, "threads"), { token }), 200);
    expect(ids(threads.body["chunk"])).toEqual([newRoot]);
    // Alice sees both threads, the old one with both replies.
    const all = await expectStatus(call("GET", v1Path(roomId, "threads"), { token: alice!.accessToken }), 200);
    expect(ids(all.body["chunk"])).toEqual([newRoot, oldRoot]);
    expect(threadOf((all.body["chunk"] as Json[])[1]!)?.["count"]).toBe(2);
    expect(((threadOf((all.body["chunk"] as Json[])[1]!)?.["latest_event"]) as Json)["event_id"]).toBe(lateReply);
  });

  it("a user who left: replies sent after the leave are not listed, counted or bundled", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await roomWithVisibility(call, alice!, "shared");
    await act(call, bob!, roomId, "join");
    const root = await sendProjected(call, alice!, roomId, "root");
    const seen = await sendContent(call, alice!, roomId, threadReply(root, "seen"));
    await waitForEvent(call, alice!, roomId, seen);
    await act(call, bob!, roomId, "leave");
    const unseen = await sendContent(call, alice!, roomId, threadReply(root, "unseen"));
    await waitForEvent(call, alice!, roomId, unseen);
    const token = bob!.accessToken;

    const children = await expectStatus(call("GET", v1Path(roomId, `relations/${encodeURIComponent(root)}`), { token }), 200);
    expect(ids(children.body["chunk"])).toEqual([seen]);
    const event = await expectStatus(call("GET", path(roomId, `event/${encodeURIComponent(root)}`), { token }), 200);
    expect(threadOf(event.body)).toMatchObject({ count: 1, latest_event: { event_id: seen } });
    const threads = await expectStatus(call("GET", v1Path(roomId, "threads"), { token }), 200);
    expect(threadOf((threads.body["chunk"] as Json[])[0]!)).toMatchObject({ count: 1 });
  });
});
