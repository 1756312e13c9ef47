// countUnread over the events read model: push rules decide what counts, own events never do, highlights apart.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { countUnread } from "../../../src/readmodels/unread-counts";
import { expectStatus, projectedPosition, roomApp, rulePath, sendContent, sharedRoom, users } from "./support";

const db = (env as unknown as { DB: D1Database }).DB;

const text = (body: string, extra: Record<string, unknown> = {}) => ({ msgtype: "m.text", body, ...extra });

async function joinPosition(userId: string, roomId: string): Promise<number> {
  const row = await db
    .prepare("SELECT stream_pos FROM memberships WHERE user_id = ? AND room_id = ? AND membership = 'join'")
    .bind(userId, roomId)
    .first<{ stream_pos: number }>();
  if (row === null) throw new Error("not joined in the read model");
  return row.stream_pos;
}

describe("countUnread", () => {
  const call = roomApp();

  it("counts notifying events after the read position, highlights apart, and never the user's own", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await sharedRoom(call, alice!, bob!);
    const first = await projectedPosition(await sendContent(call, alice!, roomId, text("hello")));
    const since = await joinPosition(bob!.userId, roomId);
    // A one-to-one room: .m.rule.room_one_to_one notifies.
    expect(await countUnread(db, bob!.userId, roomId, since)).toEqual({ notification_count: 1, highlight_count: 0 });

    await sendContent(call, alice!, roomId, text("hey bob", { "m.mentions": { user_ids: [bob!.userId] } }));
    await sendContent(call, alice!, roomId, { msgtype: "m.notice", body: "a bot speaks" });
    const last = await projectedPosition(await sendContent(call, bob!, roomId, text("my own words")));
    expect(await countUnread(db, bob!.userId, roomId, since)).toEqual({ notification_count: 2, highlight_count: 1 });
    // Reading up to the first message leaves the mention.
    expect(await countUnread(db, bob!.userId, roomId, first)).toEqual({ notification_count: 1, highlight_count: 1 });
    // A snapshot position bounds the count.
    expect(await countUnread(db, bob!.userId, roomId, since, { upTo: first })).toEqual({ notification_count: 1, highlight_count: 0 });
    expect(await countUnread(db, bob!.userId, roomId, last)).toEqual({ notification_count: 0, highlight_count: 0 });
    // Alice: Bob's message counts; her own events and Bob's join (.m.rule.member_event) do not.
    expect(await countUnread(db, alice!.userId, roomId, 0)).toEqual({ notification_count: 1, highlight_count: 0 });
  });

  it("uses the user's own rules: a muted room still highlights mentions, which are override rules", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await sharedRoom(call, alice!, bob!);
    await sendContent(call, alice!, roomId, text("plain"));
    await projectedPosition(await sendContent(call, alice!, roomId, text("ping", { "m.mentions": { user_ids: [bob!.userId] } })));
    const since = await joinPosition(bob!.userId, roomId);
    expect(await countUnread(db, bob!.userId, roomId, since)).toEqual({ notification_count: 2, highlight_count: 1 });
    await expectStatus(call("PUT", rulePath("room", roomId), { token: bob!.accessToken, body: { actions: [] } }), 200);
    expect(await countUnread(db, bob!.userId, roomId, since)).toEqual({ notification_count: 1, highlight_count: 1 });
    await expectStatus(call("PUT", rulePath("override", ".m.rule.master", "enabled"), { token: bob!.accessToken, body: { enabled: true } }), 200);
    expect(await countUnread(db, bob!.userId, roomId, since)).toEqual({ notification_count: 0, highlight_count: 0 });
  });

  it("room mentions highlight only from senders with the room notification power level", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await sharedRoom(call, alice!, bob!);
    const since = await projectedPosition(await sendContent(call, alice!, roomId, text("start")));
    // Alice created the room (creator power); Bob has the users_default of 0 < 50.
    await projectedPosition(await sendContent(call, alice!, roomId, text("@room", { "m.mentions": { room: true } })));
    expect(await countUnread(db, bob!.userId, roomId, since)).toEqual({ notification_count: 1, highlight_count: 1 });
    await projectedPosition(await sendContent(call, bob!, roomId, text("@room", { "m.mentions": { room: true } })));
    expect(await countUnread(db, alice!.userId, roomId, since)).toEqual({ notification_count: 1, highlight_count: 0 });
  });

  it("skips redacted events and rooms without unread events, and bounds the scan", async () => {
    const [alice, bob] = await users(call, 2);
    const roomId = await sharedRoom(call, alice!, bob!);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await sendContent(call, alice!, roomId, text(`m${i}`)));
    await projectedPosition(ids[2]!);
    const from = await joinPosition(bob!.userId, roomId);
    expect(await countUnread(db, bob!.userId, roomId, from)).toEqual({ notification_count: 3, highlight_count: 0 });
    expect(await countUnread(db, bob!.userId, roomId, from, { maxEvents: 2 })).toEqual({ notification_count: 2, highlight_count: 0 });
    // The projection marks a redacted event this way; a redacted message no longer notifies.
    await db.prepare("UPDATE events SET redacted_because = '$redaction' WHERE event_id = ?").bind(ids[1]!).run();
    expect(await countUnread(db, bob!.userId, roomId, from)).toEqual({ notification_count: 2, highlight_count: 0 });
    expect(await countUnread(db, bob!.userId, "!nosuchroom:test.example", 0)).toEqual({ notification_count: 0, highlight_count: 0 });
  });
});
