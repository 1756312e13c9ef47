// GET /rooms/{roomId}/messages bundles aggregations (spec: /messages is one of the APIs that include unsigned.m.relations).
import { describe, expect, it } from "vitest";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";
import { edit, sendContent, threadReply, waitForEvent } from "./support";

type Json = Record<string, unknown>;
const relationsOf = (event: Json): Json | undefined => (event["unsigned"] as Json | undefined)?.["m.relations"] as Json | undefined;

describe("GET /rooms/{roomId}/messages bundled aggregations", () => {
  const call = roomApp();

  it("bundles a root's thread and latest edit in the chunk, with a filter too", async () => {
    const [alice] = await users(call, 1);
    const roomId = await createRoom(call, alice!);
    const root = await send(call, alice!, roomId, "root");
    const reply = await sendContent(call, alice!, roomId, threadReply(root, "in thread"));
    const lastEdit = await sendContent(call, alice!, roomId, edit(root, "edited"));
    await waitForEvent(call, alice!, roomId, lastEdit);

    const filter = encodeURIComponent(JSON.stringify({ types: ["m.room.message"], lazy_load_members: true }));
    for (const query of ["dir=b&limit=50", `dir=b&limit=50&filter=${filter}`, "dir=f&from=s0&limit=1000"]) {
      const res = await expectStatus(call("GET", path(roomId, `messages?${query}`), { token: alice!.accessToken }), 200);
      const rootEvent = (res.body["chunk"] as Json[]).find((e) => e["event_id"] === root)!;
      const relations = relationsOf(rootEvent)!;
      expect(relations, query).toBeDefined();
      expect((relations["m.replace"] as Json)["event_id"]).toBe(lastEdit);
      const thread = relations["m.thread"] as Json;
      expect(thread["count"]).toBe(1);
      expect((thread["latest_event"] as Json)["event_id"]).toBe(reply);
      expect(thread["current_user_participated"]).toBe(true);
    }
  });
});
