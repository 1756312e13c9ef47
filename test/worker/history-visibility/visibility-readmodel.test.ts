// The history visibility read step over projected logs: ranges per room from one query, and readable pages.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../../src/commands/log-entry";
import { OPEN_END } from "../../../src/protocol/history-visibility";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import {
  readableRoomsOf,
  visibleEventsBetween,
  visibleRangesFor,
  visibleRangesForRooms,
} from "../../../src/readmodels/history-visibility";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const logs = new ScriptedLogs();
const project = (entries: readonly LogEntry[]) =>
  projectRoomLogBatch(batchOf(entries), { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} });

async function positions(entries: readonly LogEntry[]): Promise<number[]> {
  const rows = await env.DB.prepare("SELECT stream_pos FROM events WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY stream_pos")
    .bind(JSON.stringify(entries.map((e) => e.eventId)))
    .all<{ stream_pos: number }>();
  return rows.results.map((r) => r.stream_pos);
}

const setting = (visibility: string) => ({ type: "m.room.history_visibility", sender: "@ann:test", stateKey: "", content: { history_visibility: visibility } });

describe("history visibility read step", () => {
  it("gives each room's readable positions in one query, and pages only readable events", async () => {
    const room = logs.room("!hvjoined:test").create("@ann:test");
    room.append(setting("joined"));
    const hidden = room.message("@ann:test", "before ben");
    const join = room.member("@ben:test", "join");
    const seen = room.message("@ann:test", "with ben");
    const leave = room.member("@ben:test", "leave");
    const after = room.message("@ann:test", "after ben");
    await project(room.entries);
    const [hiddenPos, joinPos, seenPos, leavePos, afterPos] = await positions([hidden, join, seen, leave, after]);

    const ranges = await visibleRangesFor(env.DB, "@ben:test", room.roomId);
    // The create event, the creator's join and the power levels precede any setting (shared), and
    // the setting event itself is seen from before it: Ben joins later, so those stay visible.
    expect(ranges.at(-1)).toEqual([joinPos, leavePos]);
    expect(ranges.some(([low, high]) => hiddenPos! >= low && hiddenPos! <= high)).toBe(false);

    const page = await visibleEventsBetween(env.DB, room.roomId, ranges, 0, OPEN_END, 10, "desc");
    expect(page[0]?.stream_pos).toBe(leavePos);
    const visible = page.map((r) => r.stream_pos);
    expect(visible).toContain(seenPos);
    expect(visible).toContain(joinPos);
    expect(visible).not.toContain(hiddenPos);
    expect(visible).not.toContain(afterPos);
  });

  it("reads many rooms at once and leaves out rooms with nothing readable", async () => {
    const open = logs.room("!hvopen:test").create("@ann:test");
    open.append(setting("world_readable"));
    open.message("@ann:test", "anyone");
    const closed = logs.room("!hvclosed:test").create("@ann:test");
    closed.message("@ann:test", "members only");
    const invitedOnly = logs.room("!hvinvite:test").create("@ann:test");
    invitedOnly.append(setting("invited"));
    invitedOnly.member("@cat:test", "invite", "@ann:test");
    invitedOnly.message("@ann:test", "cat not joined yet");
    await project([...open.entries, ...closed.entries, ...invitedOnly.entries]);

    const all = await visibleRangesForRooms(env.DB, "@cat:test", [open.roomId, closed.roomId, invitedOnly.roomId]);
    expect(all.get(open.roomId)?.at(-1)?.[1]).toBe(OPEN_END);
    expect(all.get(closed.roomId)).toEqual([]);
    expect(all.get(invitedOnly.roomId)).toEqual([]);
    // Rooms Cat is in (the invite) plus a room named by a non-member: only the world_readable one is readable.
    const readable = await readableRoomsOf(env.DB, "@cat:test", [open.roomId, closed.roomId]);
    expect([...readable.keys()]).toEqual([open.roomId]);
  });

  it("a setting that is not understood counts as shared", async () => {
    const room = logs.room("!hvodd:test").create("@ann:test");
    room.append(setting("everyone"));
    const early = room.message("@ann:test", "early");
    room.member("@dan:test", "join");
    await project(room.entries);
    const [earlyPos] = await positions([early]);
    const ranges = await visibleRangesFor(env.DB, "@dan:test", room.roomId);
    expect(ranges[0]?.[0]).toBeLessThanOrEqual(earlyPos!);
  });
});
