// The projection's side of search: event_search rows written once per searchable event, kept on redelivery, removed on redaction.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { applyEntry } from "../../../src/projections/apply-entry";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const indexed = async (roomId: string) =>
  (
    await env.DB.prepare("SELECT event_id, key, body FROM event_search WHERE room_id = ? ORDER BY rowid").bind(roomId).all<{
      event_id: string;
      key: string;
      body: string;
    }>()
  ).results;

describe("search index projection", () => {
  it("indexes messages, names and topics (with m.topic text), once even when an entry is delivered twice", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!searchidx:test").create("@alice:test");
    const name = room.append({ type: "m.room.name", sender: "@alice:test", stateKey: "", content: { name: "Garden" } });
    const topic = room.append({
      type: "m.room.topic",
      sender: "@alice:test",
      stateKey: "",
      content: { topic: "plants", "m.topic": { "m.text": [{ body: "<b>plants</b>", mimetype: "text/html" }, { body: "growing plants" }] } },
    });
    const message = room.message("@alice:test", "tomatoes ripen");
    room.message("@alice:test", ""); // nothing to index
    room.append({ type: "m.room.message", sender: "@alice:test", content: { body: "rejected" }, status: "rejected" });
    room.append({ type: "m.room.encrypted", sender: "@alice:test", content: { ciphertext: "x" } });
    const deps = { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} };
    await projectRoomLogBatch(batchOf(room.entries), deps);
    await projectRoomLogBatch(batchOf(room.entries), deps);
    expect(await applyEntry(env.DB, message)).toEqual({ _tag: "Stale" });
    expect(await indexed(room.roomId)).toEqual([
      { event_id: name.eventId, key: "content.name", body: "Garden" },
      { event_id: topic.eventId, key: "content.topic", body: "plants\ngrowing plants" },
      { event_id: message.eventId, key: "content.body", body: "tomatoes ripen" },
    ]);
  });

  it("removes a redacted event from the index, whether the redaction comes after its target or before it", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!searchredact:test").create("@alice:test");
    const kept = room.message("@alice:test", "keep me");
    const gone = room.message("@alice:test", "remove me");
    room.redact("@alice:test", gone.eventId);
    const deps = { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} };
    await projectRoomLogBatch(batchOf(room.entries), deps);
    expect((await indexed(room.roomId)).map((r) => r.event_id)).toEqual([kept.eventId]);

    const early = logs.room("!searchearly:test").create("@carol:test");
    early.redact("@carol:test", "$searchearly_test-5");
    const target = early.message("@carol:test", "arrives late");
    expect(target.eventId).toBe("$searchearly_test-5");
    await projectRoomLogBatch(batchOf(early.entries), deps);
    expect(await indexed(early.roomId)).toEqual([]);
  });
});
