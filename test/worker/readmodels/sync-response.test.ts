// /sync built from the read models: initial, incremental, limited, invites and leaves, redactions.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../../src/commands/log-entry";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { buildSync, type SyncRequest } from "../../../src/readmodels/sync-response";
import { formatSyncToken, parseSyncToken, tokenAt } from "../../../src/readmodels/sync-token";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const logs = new ScriptedLogs();
const project = (entries: readonly LogEntry[]) =>
  projectRoomLogBatch(batchOf(entries), { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} });

interface RoomSection {
  timeline: { events: { event_id: string; type: string; unsigned: Record<string, unknown>; content: Record<string, unknown> }[]; limited: boolean; prev_batch: string };
  state: { events: { event_id: string; type: string; state_key: string }[] };
  summary?: Record<string, unknown>;
}
interface Body {
  next_batch: string;
  rooms: { join: Record<string, RoomSection>; invite: Record<string, { invite_state: { events: Record<string, unknown>[] } }>; leave: Record<string, RoomSection> };
}

async function sync(request: Omit<SyncRequest, "now">) {
  const result = await buildSync(env.DB, { now: 1_800_000_000_000, ...request });
  if (!result.ok) throw new Error(result.error.reason);
  return { ...result.value, body: result.value.body as unknown as Body };
}

describe("sync response", () => {
  it("initial sync: the room's newest events, state at the start of the timeline, limited with prev_batch", async () => {
    const room = logs.room("!initial:test").create("@alice:test");
    room.member("@bob:test", "invite", "@alice:test");
    room.member("@bob:test", "join");
    room.append({ type: "m.room.message", sender: "@bob:test", content: { body: "from DEV" }, txn: { deviceId: "DEV", txnId: "t1" } });
    room.message("@alice:test", "two");
    room.message("@alice:test", "three");
    await project(room.entries);

    const full = await sync({ userId: "@bob:test", deviceId: "DEV" });
    const section = full.body.rooms.join[room.roomId]!;
    expect(section.timeline.events.map((e) => e.event_id)).toEqual(room.entries.map((e) => e.eventId));
    expect(section.timeline.limited).toBe(false);
    expect(section.state.events).toEqual([]);
    expect(section.timeline.events[5]!.unsigned).toMatchObject({ transaction_id: "t1" });
    expect(section.timeline.events[6]!.unsigned["transaction_id"]).toBeUndefined();
    expect(section.summary).toMatchObject({ "m.joined_member_count": 2, "m.invited_member_count": 0, "m.heroes": ["@alice:test"] });
    expect(full.body.next_batch).toBe(`s${full.position}`);

    const otherDevice = await sync({ userId: "@bob:test", deviceId: "OTHER" });
    expect(otherDevice.body.rooms.join[room.roomId]!.timeline.events[5]!.unsigned["transaction_id"]).toBeUndefined();

    const limited = await sync({ userId: "@bob:test", timelineLimit: 3 });
    const small = limited.body.rooms.join[room.roomId]!;
    expect(small.timeline.events.map((e) => e.event_id)).toEqual(room.entries.slice(5).map((e) => e.eventId));
    expect(small.timeline.limited).toBe(true);
    expect(small.state.events.map((e) => e.event_id).sort()).toEqual(
      [room.entries[0], room.entries[1], room.entries[2], room.entries[4]].map((e) => e!.eventId).sort(),
    );
    const firstPos = Number(small.timeline.prev_batch.slice(1)) + 1;
    const firstRow = await env.DB.prepare("SELECT event_id FROM events WHERE stream_pos = ?").bind(firstPos).first<{ event_id: string }>();
    expect(firstRow?.event_id).toBe(room.entries[5]!.eventId);
  });

  it("incremental sync: nothing new is empty; new events only; a large gap is limited with a state delta", async () => {
    const room = logs.room("!incr:test").create("@dave:test");
    await project(room.entries);
    const first = await sync({ userId: "@dave:test" });

    const idle = await sync({ userId: "@dave:test", since: first.body.next_batch });
    expect(idle.empty).toBe(true);
    expect(idle.body.rooms.join).toEqual({});

    const a = room.message("@dave:test", "a");
    const b = room.message("@dave:test", "b");
    await project([a, b]);
    const second = await sync({ userId: "@dave:test", since: first.body.next_batch });
    const section = second.body.rooms.join[room.roomId]!;
    expect(section.timeline.events.map((e) => e.event_id)).toEqual([a.eventId, b.eventId]);
    expect(section.timeline.limited).toBe(false);
    expect(section.state.events).toEqual([]);

    const named = room.append({ type: "m.room.name", sender: "@dave:test", stateKey: "", content: { name: "Gap" } });
    const burst = [named, room.message("@dave:test", "c"), room.message("@dave:test", "d"), room.message("@dave:test", "e")];
    await project(burst);
    const third = await sync({ userId: "@dave:test", since: second.body.next_batch, timelineLimit: 2 });
    const gap = third.body.rooms.join[room.roomId]!;
    expect(gap.timeline.events.map((e) => e.event_id)).toEqual(burst.slice(2).map((e) => e.eventId));
    expect(gap.timeline.limited).toBe(true);
    expect(gap.state.events.map((e) => e.event_id)).toEqual([named.eventId]);
  });

  it("invites show stripped state; a rejected invite shows once under leave", async () => {
    const room = logs.room("!invite:test").create("@erin:test");
    room.append({ type: "m.room.name", sender: "@erin:test", stateKey: "", content: { name: "Secret" } });
    const invited = room.member("@frank:test", "invite", "@erin:test");
    await project(room.entries);
    const s1 = await sync({ userId: "@frank:test" });
    const stripped = s1.body.rooms.invite[room.roomId]!.invite_state.events;
    expect(stripped).toContainEqual({ type: "m.room.name", state_key: "", sender: "@erin:test", content: { name: "Secret" } });
    expect(stripped).toContainEqual({ type: "m.room.member", state_key: "@frank:test", sender: "@erin:test", content: { membership: "invite" } });
    // The inviter's own member event too, so a client can name the room and its inviter.
    expect(stripped.filter((e) => e["type"] === "m.room.member" && e["state_key"] === "@erin:test")).toHaveLength(1);
    expect(s1.body.rooms.join).toEqual({});
    expect(invited.seq).toBe(5);

    const rejected = room.member("@frank:test", "leave");
    await project([rejected]);
    const s2 = await sync({ userId: "@frank:test", since: s1.body.next_batch });
    expect(s2.body.rooms.invite).toEqual({});
    expect(s2.body.rooms.leave[room.roomId]!.timeline.events.map((e) => e.event_id)).toEqual([rejected.eventId]);
    const s3 = await sync({ userId: "@frank:test", since: s2.body.next_batch });
    expect(s3.body.rooms.leave).toEqual({});
    expect(s3.empty).toBe(true);
  });

  it("returns redacted events in redacted form with redacted_because, and prev_content for replaced state", async () => {
    const room = logs.room("!redacted:test").create("@gina:test");
    const secret = room.message("@gina:test", "secret", { extra: 1 });
    const redaction = room.redact("@gina:test", secret.eventId);
    room.append({ type: "m.room.topic", sender: "@gina:test", stateKey: "", content: { topic: "one" } });
    const topic2 = room.append({ type: "m.room.topic", sender: "@gina:test", stateKey: "", content: { topic: "two" } });
    await project(room.entries);
    const events = (await sync({ userId: "@gina:test" })).body.rooms.join[room.roomId]!.timeline.events;
    const shown = events.find((e) => e.event_id === secret.eventId)!;
    expect(shown.content).toEqual({});
    expect(shown.unsigned["redacted_because"]).toMatchObject({ event_id: redaction.eventId, type: "m.room.redaction" });
    expect(Object.keys(shown).sort()).toEqual(["content", "event_id", "origin_server_ts", "sender", "type", "unsigned"]);
    expect(events.find((e) => e.event_id === topic2.eventId)!.unsigned["prev_content"]).toEqual({ topic: "one" });
  });

  it("formats and parses tokens; a token above every position (issued before a replay) starts afresh", async () => {
    expect(formatSyncToken(tokenAt(42))).toBe("s42");
    // A token from before the account-data stream existed still parses: that stream reads as 0.
    const zero = { typing: 0, receipt: 0, presence: 0, to_device: 0, device_lists: 0 };
    expect(parseSyncToken("s42")).toEqual({ ok: true, value: { pdu: 42, account_data: 0, ...zero } });
    expect(parseSyncToken("s42_7")).toEqual({ ok: true, value: { pdu: 42, account_data: 7, ...zero } });
    expect(parseSyncToken("s42_7_1_2_3")).toEqual({ ok: true, value: { pdu: 42, account_data: 7, ...zero, typing: 1, receipt: 2, presence: 3 } });
    expect(formatSyncToken({ pdu: 42, account_data: 7, ...zero })).toBe("s42_7");
    expect(formatSyncToken({ ...zero, pdu: 42, account_data: 0, receipt: 5 })).toBe("s42_0_0_5");
    const room = logs.room("!future:test").create("@kim:test");
    await project(room.entries);
    const fromFuture = await sync({ userId: "@kim:test", since: "s999999999" });
    expect(fromFuture.body.rooms.join[room.roomId]!.timeline.events).toHaveLength(3);
  });

  it("refuses a malformed since token with a tagged error", async () => {
    for (const since of ["x1", "s", "s-1", "s1_2_3_4_5_6_7_8_9", "s01"]) {
      const result = await buildSync(env.DB, { userId: "@nobody:test", since, now: 0 });
      expect(result.ok ? "ok" : result.error._tag).toBe("InvalidSyncToken");
    }
  });
});
