// PUT /send of an annotation (a reaction): a second one with the same type and key on the same event is 400 M_DUPLICATE_ANNOTATION, unless the first was redacted.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RoomDurableObject } from "../../../src/durable/room-durable-object";
import { RoomLogStore } from "../../../src/durable/room-log-store";
import { createRoom, expectStatus, path, roomApp, send, users } from "../api-rooms/support";

const reaction = (target: string, key: string) => ({ "m.relates_to": { rel_type: "m.annotation", event_id: target, key } });

describe("duplicate annotations", () => {
  const call = roomApp();

  async function roomWithTarget() {
    const [alice, bob] = await users(call, 2);
    const roomId = await createRoom(call, alice!, { preset: "public_chat" });
    await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
    const target = await send(call, alice!, roomId, "react to me");
    const react = (user: typeof alice, txn: string, key: string, type = "m.reaction") =>
      call("PUT", path(roomId, `send/${type}/${txn}`), { token: user!.accessToken, body: reaction(target, key) });
    const redact = (user: typeof alice, eventId: string, txn: string) =>
      call("PUT", path(roomId, `redact/${encodeURIComponent(eventId)}/${txn}`), { token: user!.accessToken, body: {} });
    return { alice, bob, roomId, react, redact };
  }

  it("refuses a second identical reaction, allows other keys, other users, a retried transaction, and again after a redaction", async () => {
    const { alice, bob, react, redact } = await roomWithTarget();

    const first = await expectStatus(react(bob, "r1", "👍"), 200);
    const firstId = first.body["event_id"] as string;
    // Straight after the first's 200, without waiting for the read models: still a duplicate.
    await expectStatus(react(bob, "r0", "👍"), 400, "M_DUPLICATE_ANNOTATION");
    // The same transaction again is a retry, answered with the first event.
    expect((await expectStatus(react(bob, "r1", "👍"), 200)).body["event_id"]).toBe(firstId);
    await expectStatus(react(bob, "r2", "👍"), 400, "M_DUPLICATE_ANNOTATION");
    // Another key, another user, another event type: no duplicate.
    await expectStatus(react(bob, "r3", "🎉"), 200);
    await expectStatus(react(alice, "r4", "👍"), 200);
    await expectStatus(react(bob, "r5", "👍", "org.example.vote"), 200);

    // Once the first is redacted, the same reaction may be sent again.
    await expectStatus(redact(bob, firstId, "x1"), 200);
    // Straight after the redaction's 200, without waiting for the read models.
    await expectStatus(react(bob, "r6", "👍"), 200);
  });

  it("of ten identical reactions sent at the same instant exactly one is accepted; after its redaction one more is", async () => {
    const { bob, react, redact } = await roomWithTarget();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => react(bob, `c${i}`, "❤️")));
    const accepted = results.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect([r.status, r.body["errcode"]]).toEqual([400, "M_DUPLICATE_ANNOTATION"]);
    }
    await expectStatus(redact(bob, accepted[0]!.body["event_id"] as string, "cx"), 200);
    const again = await Promise.all(Array.from({ length: 5 }, (_, i) => react(bob, `d${i}`, "❤️")));
    expect(again.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400]);
  });

  it("a room DO whose log predates the annotation index fills it from the log and still refuses duplicates", async () => {
    const { bob, roomId, react, redact } = await roomWithTarget();
    await expectStatus(react(bob, "u1", "👍"), 200);
    const taken = await expectStatus(react(bob, "u2", "🎉"), 200);
    await expectStatus(redact(bob, taken.body["event_id"] as string, "ux"), 200);

    // As a DO written before the index existed: schema version 1, no annotation table. A store
    // opened over that SQLite (as after a deploy) upgrades it in place from the log.
    const rows = await runInDurableObject(env.ROOMS.get(env.ROOMS.idFromName(roomId)), (_instance: RoomDurableObject, state) => {
      state.storage.sql.exec(`DROP TABLE annotations`);
      state.storage.sql.exec(`UPDATE room_meta SET value = '1' WHERE key = 'schema_version'`);
      new RoomLogStore(state.storage);
      const version = state.storage.sql.exec<{ value: string }>(`SELECT value FROM room_meta WHERE key = 'schema_version'`).one().value;
      const count = state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM annotations`).one().n;
      return { version, count };
    });
    expect(rows).toEqual({ version: "2", count: 1 });
    await expectStatus(react(bob, "u3", "👍"), 400, "M_DUPLICATE_ANNOTATION");
    // The redacted one does not count.
    await expectStatus(react(bob, "u4", "🎉"), 200);
  });
});
