// Long-polling /sync with the real notifier DO: woken by a poke, by timeout, and no lost wake-up.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { syncNotifierClient } from "../../../src/durable/sync-notifier-client";
import type { LogEntry } from "../../../src/commands/log-entry";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { buildSync, syncWithLongPoll, type PositionWaiter } from "../../../src/readmodels/sync-response";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const logs = new ScriptedLogs();
const notifier = syncNotifierClient(env.SYNC_NOTIFIER);
const project = (entries: readonly LogEntry[]) =>
  projectRoomLogBatch(batchOf(entries), { db: env.DB, logSource: logs, notify: notifier.poke, log: () => {} });

function timelineOf(body: unknown, roomId: string): string[] {
  const rooms = (body as { rooms: { join: Record<string, { timeline: { events: { event_id: string }[] } }> } }).rooms;
  return rooms.join[roomId]?.timeline.events.map((e) => e.event_id) ?? [];
}

async function settle(userId: string, roomId: string, creator: string) {
  const room = logs.room(roomId).create(creator);
  await project(room.entries);
  const first = await buildSync(env.DB, { userId, now: Date.now() });
  if (!first.ok) throw new Error("sync failed");
  return { room, since: first.value.body["next_batch"] as string };
}

describe("sync notifier", () => {
  it("releases a waiter on a higher poke only, and on timeout with the latest position", async () => {
    const stub = env.SYNC_NOTIFIER.get(env.SYNC_NOTIFIER.idFromName("unit-notifier"));
    await stub.poke(10);
    expect(await stub.waitBeyond(5, 10_000)).toBe(10); // already past: no wait at all
    const waiting = stub.waitBeyond(10, 10_000);
    await stub.poke(10); // not higher: nobody wakes
    await stub.poke(9);
    expect(await stub.waiting()).toBe(1);
    await stub.poke(12);
    expect(await waiting).toBe(12);
    const started = Date.now();
    expect(await stub.waitBeyond(12, 150)).toBe(12);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await stub.waiting()).toBe(0);
  });
});

describe("long-poll /sync", () => {
  it("returns as soon as the projection pokes a new event for the user", async () => {
    const { room, since } = await settle("@lp1:test", "!lp1:test", "@lp1:test");
    const started = Date.now();
    const polled = syncWithLongPoll(env.DB, { userId: "@lp1:test", since, timeoutMs: 20_000, now: started }, notifier);
    await new Promise((r) => setTimeout(r, 100));
    const message = room.message("@lp1:test", "wake up");
    await project([message]);
    const result = await polled;
    expect(result.ok && timelineOf(result.value.body, room.roomId)).toEqual([message.eventId]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("returns an empty response when the timeout passes with nothing for the user", async () => {
    const { since } = await settle("@lp2:test", "!lp2:test", "@lp2:test");
    const started = Date.now();
    const result = await syncWithLongPoll(env.DB, { userId: "@lp2:test", since, timeoutMs: 300, now: started }, notifier);
    expect(result.ok && result.value.empty).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("keeps waiting through pokes for other users' rooms", async () => {
    const { room, since } = await settle("@lp3:test", "!lp3:test", "@lp3:test");
    const other = logs.room("!lp3-other:test").create("@someone:test");
    const started = Date.now();
    const polled = syncWithLongPoll(env.DB, { userId: "@lp3:test", since, timeoutMs: 20_000, now: started }, notifier);
    await new Promise((r) => setTimeout(r, 50));
    await project(other.entries);
    await new Promise((r) => setTimeout(r, 50));
    const mine = room.message("@lp3:test", "mine");
    await project([mine]);
    const result = await polled;
    expect(result.ok && timelineOf(result.value.body, room.roomId)).toEqual([mine.eventId]);
  });

  it("loses no wake-up when the commit and poke land between the read and the wait", async () => {
    const { room, since } = await settle("@lp4:test", "!lp4:test", "@lp4:test");
    const racing = room.message("@lp4:test", "raced");
    let calls = 0;
    // Commits and pokes after the sync has read its position, before the wait is registered.
    const racyWaiter: PositionWaiter = {
      waitForAny: async (after, timeoutMs) => {
        calls += 1;
        if (calls === 1) await project([racing]);
        return notifier.waitForAny(after, timeoutMs);
      },
    };
    const started = Date.now();
    const result = await syncWithLongPoll(env.DB, { userId: "@lp4:test", since, timeoutMs: 20_000, now: started }, racyWaiter);
    expect(result.ok && timelineOf(result.value.body, room.roomId)).toEqual([racing.eventId]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
