// GET /sync carries typing and receipts per joined room and presence of room-mates, and a long-poll wakes for each.
import { describe, expect, it } from "vitest";
import { expectStatus, joinedSection, path, roomApp, syncUntil, users, type Call, type Registered } from "../api-rooms/support";

type Json = Record<string, unknown>;

const ephemeral = (sync: Json, roomId: string): Json[] =>
  ((joinedSection(sync, roomId)?.["ephemeral"] as { events?: Json[] } | undefined)?.events ?? []) as Json[];
const presenceEvents = (sync: Json): Json[] => ((sync["presence"] as { events?: Json[] } | undefined)?.events ?? []) as Json[];

async function sharedRoom(call: Call): Promise<{ alice: Registered; bob: Registered; roomId: string; since: string }> {
  const [alice, bob] = await users(call, 2);
  const created = await expectStatus(call("POST", "createRoom", { token: alice!.accessToken, body: { invite: [bob!.userId] } }), 200);
  const roomId = created.body["room_id"] as string;
  await expectStatus(call("POST", path(roomId, "join"), { token: bob!.accessToken }), 200);
  const { nextBatch } = await syncUntil(call, bob!, roomId, (events) => events.some((e) => e.type === "m.room.member" && e.state_key === bob!.userId));
  return { alice: alice!, bob: bob!, roomId, since: nextBatch };
}

/** One long-poll from `since`; returns the body and how long it took. */
async function longPoll(call: Call, user: Registered, since: string, timeout = 5000): Promise<{ body: Json; ms: number }> {
  const started = Date.now();
  const res = await expectStatus(call("GET", `sync?timeout=${timeout}&since=${since}`, { token: user.accessToken }), 200);
  return { body: res.body, ms: Date.now() - started };
}

describe("/sync ephemeral and presence sections", () => {
  const call = roomApp();

  it("a waiting long-poll wakes for typing, then for a read receipt, and the next token does not repeat them", async () => {
    const { alice, bob, roomId, since } = await sharedRoom(call);
    // Settle: anything pending for bob (alice's presence from her own syncs) is read first.
    const settled = await longPoll(call, bob, since, 0);
    const waiting = longPoll(call, bob, settled.body["next_batch"] as string);
    await new Promise((r) => setTimeout(r, 200));
    await expectStatus(call("PUT", path(roomId, `typing/${encodeURIComponent(alice.userId)}`), { token: alice.accessToken, body: { typing: true, timeout: 10000 } }), 200);
    const typed = await waiting;
    expect(typed.ms).toBeLessThan(4000);
    const typing = ephemeral(typed.body, roomId).filter((e) => e["type"] === "m.typing");
    expect(typing).toEqual([{ type: "m.typing", content: { user_ids: [alice.userId] } }]);

    const sent = await expectStatus(call("PUT", path(roomId, `send/m.room.message/t${Date.now()}`), { token: bob.accessToken, body: { msgtype: "m.text", body: "hi" } }), 200);
    const eventId = sent.body["event_id"] as string;
    const { nextBatch } = await syncUntil(call, alice, roomId, (events) => events.some((e) => e.event_id === eventId));
    const receiptWait = longPoll(call, alice, nextBatch);
    await new Promise((r) => setTimeout(r, 200));
    await expectStatus(call("POST", path(roomId, `receipt/m.read/${encodeURIComponent(eventId)}`), { token: alice.accessToken, body: {} }), 200);
    // Alice's own receipt wakes her own long-poll: her other devices need it.
    const receipted = await receiptWait;
    const receipt = ephemeral(receipted.body, roomId).find((e) => e["type"] === "m.receipt");
    expect(receipt?.["content"]).toMatchObject({ [eventId]: { "m.read": { [alice.userId]: { ts: expect.any(Number) } } } });
    // Reading the message leaves no unread notification in the same response.
    expect(joinedSection(receipted.body, roomId)?.["unread_notifications"]).toEqual({ notification_count: 0, highlight_count: 0 });

    // The token moved past the receipt: an immediate incremental sync does not repeat it.
    const after = await longPoll(call, alice, receipted.body["next_batch"] as string, 0);
    expect(ephemeral(after.body, roomId).filter((e) => e["type"] === "m.receipt")).toEqual([]);
  });

  it("an initial sync has the current typing list, receipts and room-mates' presence; private receipts stay private", async () => {
    const { alice, bob, roomId } = await sharedRoom(call);
    const sent = await expectStatus(call("PUT", path(roomId, `send/m.room.message/p${Date.now()}`), { token: alice.accessToken, body: { msgtype: "m.text", body: "x" } }), 200);
    const eventId = sent.body["event_id"] as string;
    await syncUntil(call, bob, roomId, (events) => events.some((e) => e.event_id === eventId));
    await expectStatus(call("POST", path(roomId, `receipt/m.read.private/${encodeURIComponent(eventId)}`), { token: bob.accessToken, body: {} }), 200);
    await expectStatus(call("PUT", `presence/${encodeURIComponent(alice.userId)}/status`, { token: alice.accessToken, body: { presence: "unavailable", status_msg: "lunch" } }), 200);
    await expectStatus(call("PUT", path(roomId, `typing/${encodeURIComponent(bob.userId)}`), { token: bob.accessToken, body: { typing: true, timeout: 10000 } }), 200);

    const forBob = await expectStatus(call("GET", "sync?set_presence=offline", { token: bob.accessToken }), 200);
    expect(ephemeral(forBob.body, roomId).find((e) => e["type"] === "m.typing")).toEqual({ type: "m.typing", content: { user_ids: [bob.userId] } });
    const bobReceipts = JSON.stringify(ephemeral(forBob.body, roomId).filter((e) => e["type"] === "m.receipt"));
    expect(bobReceipts).toContain("m.read.private");
    const alicePresence = presenceEvents(forBob.body).find((e) => e["sender"] === alice.userId);
    expect(alicePresence?.["content"]).toMatchObject({ presence: "unavailable", status_msg: "lunch" });

    const forAlice = await expectStatus(call("GET", "sync?set_presence=offline", { token: alice.accessToken }), 200);
    expect(JSON.stringify(ephemeral(forAlice.body, roomId))).not.toContain("m.read.private");
    expect(forAlice.body["next_batch"]).toMatch(/^s\d+(_\d+){0,6}$/);
  });
});
