// /messages pagination by stream position: backwards from a sync prev_batch, forwards, bounds, access.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../../src/commands/log-entry";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { roomMessages, type MessagesRequest } from "../../../src/readmodels/room-messages";
import { buildSync } from "../../../src/readmodels/sync-response";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const logs = new ScriptedLogs();
const project = (entries: readonly LogEntry[]) =>
  projectRoomLogBatch(batchOf(entries), { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} });

interface Page {
  start: string;
  end?: string;
  chunk: { event_id: string; room_id: string }[];
}

async function page(request: Omit<MessagesRequest, "now">): Promise<Page> {
  const result = await roomMessages(env.DB, { now: 1_800_000_000_000, ...request });
  if (!result.ok) throw new Error(result.error.reason);
  return result.value as unknown as Page;
}

describe("room messages", () => {
  const room = logs.room("!msgs:test").create("@hana:test");
  for (let i = 0; i < 9; i += 1) room.message("@hana:test", `m${i}`);
  const ids = room.entries.map((e) => e.eventId);

  it("pages backwards from a sync prev_batch until no end is returned", async () => {
    await project(room.entries);
    const synced = await buildSync(env.DB, { userId: "@hana:test", timelineLimit: 4, now: 0 });
    if (!synced.ok) throw new Error("sync");
    const section = (synced.value.body as { rooms: { join: Record<string, { timeline: { prev_batch: string } }> } }).rooms.join[room.roomId]!;
    const seen: string[] = [];
    let from: string | undefined = section.timeline.prev_batch;
    let pages = 0;
    while (from !== undefined) {
      const p = await page({ userId: "@hana:test", roomId: room.roomId, dir: "b", from, limit: 3 });
      expect(p.start).toBe(from);
      seen.push(...p.chunk.map((e) => e.event_id));
      from = p.end;
      pages += 1;
    }
    expect(seen).toEqual(ids.slice(0, 8).reverse());
    expect(pages).toBe(3);
  });

  it("pages forwards from the start, includes room_id, and stops at `to`", async () => {
    const all: string[] = [];
    let from: string | undefined = "s0";
    while (from !== undefined) {
      const p = await page({ userId: "@hana:test", roomId: room.roomId, dir: "f", from, limit: 5 });
      all.push(...p.chunk.map((e) => e.event_id));
      expect(p.chunk.every((e) => e.room_id === room.roomId)).toBe(true);
      from = p.end;
    }
    expect(all).toEqual(ids);

    const first = await page({ userId: "@hana:test", roomId: room.roomId, dir: "f", limit: 3 });
    expect(first.chunk.map((e) => e.event_id)).toEqual(ids.slice(0, 3));
    const bounded = await page({ userId: "@hana:test", roomId: room.roomId, dir: "f", from: first.end!, to: first.end!, limit: 3 });
    expect(bounded.chunk).toEqual([]);
    expect(bounded.end).toBeUndefined();

    const latest = await page({ userId: "@hana:test", roomId: room.roomId, dir: "b", limit: 2 });
    expect(latest.chunk.map((e) => e.event_id)).toEqual([ids[11], ids[10]]);
    const back = await page({ userId: "@hana:test", roomId: room.roomId, dir: "b", from: latest.end!, to: first.end!, limit: 100 });
    expect(back.chunk.map((e) => e.event_id)).toEqual(ids.slice(3, 10).reverse());
  });

  it("shows a user who left the timeline up to their leave, and refuses strangers", async () => {
    const joined = room.member("@ivan:test", "join");
    const left = room.member("@ivan:test", "leave");
    const after = room.message("@hana:test", "after ivan left");
    await project([joined, left, after]);
    const p = await page({ userId: "@ivan:test", roomId: room.roomId, dir: "b", limit: 2 });
    expect(p.chunk.map((e) => e.event_id)).toEqual([left.eventId, joined.eventId]);
    const stranger = await roomMessages(env.DB, { userId: "@nobody:test", roomId: room.roomId, dir: "b", now: 0 });
    expect(stranger.ok ? "ok" : stranger.error._tag).toBe("NotInRoom");
    const bad = await roomMessages(env.DB, { userId: "@hana:test", roomId: room.roomId, dir: "b", from: "t1-2", now: 0 });
    expect(bad.ok ? "ok" : bad.error._tag).toBe("InvalidSyncToken");
    expect(after.seq).toBe(15);
  });
});

describe("room messages with a RoomEventFilter", () => {
  const room = logs.room("!msgfilter:test").create("@hana:test");
  room.member("@jon:test", "join");
  const h1 = room.message("@hana:test", "h1");
  const j1 = room.message("@jon:test", "j1");
  const pic = room.message("@jon:test", "pic", { url: "mxc://test/pic" });
  const gone = room.message("@jon:test", "gone", { url: "mxc://test/gone" });
  room.redact("@hana:test", gone.eventId);
  const j2 = room.message("@jon:test", "j2");
  for (let i = 0; i < 5; i += 1) room.message("@hana:test", `late${i}`);
  const chunkIds = (p: Page) => p.chunk.map((e) => e.event_id);

  it("fills the page with matching events only and gives no end when no more match", async () => {
    await project(room.entries);
    const base = { userId: "@hana:test", roomId: room.roomId };
    const jons = { senders: ["@jon:test"], types: ["m.room.message"] };
    const back = await page({ ...base, dir: "b", limit: 4, filter: jons });
    expect(chunkIds(back)).toEqual([j2.eventId, gone.eventId, pic.eventId, j1.eventId]);
    expect(back.end).toBeUndefined();
    const first = await page({ ...base, dir: "f", from: "s0", limit: 2, filter: jons });
    expect(chunkIds(first)).toEqual([j1.eventId, pic.eventId]);
    const rest = await page({ ...base, dir: "f", from: first.end!, limit: 2, filter: jons });
    expect(chunkIds(rest)).toEqual([gone.eventId, j2.eventId]);
    expect(rest.end).toBeUndefined();
    // A redacted event lost its url: contains_url sees what the client sees.
    const urls = await page({ ...base, dir: "b", filter: { contains_url: true } });
    expect(chunkIds(urls)).toEqual([pic.eventId]);
    // The filter's limit applies without a query limit; the query's wins over it.
    expect(chunkIds(await page({ ...base, dir: "b", filter: { senders: ["@hana:test"], types: ["m.room.message"], limit: 1 } }))).toHaveLength(1);
    expect(chunkIds(await page({ ...base, dir: "b", limit: 3, filter: { senders: ["@hana:test"], types: ["m.room.message"], limit: 1 } }))).toHaveLength(3);
    expect(h1.seq).toBeLessThan(j1.seq);
  });
});
