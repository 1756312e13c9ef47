// The transactional outbox: a failed queue send is retried by the alarm, and rows left by a crash are delivered.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { decide } from "../../../src/commands/decide";
import type { RoomLogMessage } from "../../../src/commands/log-entry";
import { RoomDurableObject } from "../../../src/durable/room-durable-object";
import type { OutboxQueue } from "../../../src/durable/room-outbox";
import { testSigningKey } from "../../support/room-builder";
import { ALICE, allEntries, message, mustSubmit, newRoom, SERVER, stub } from "./room-fixtures";

const rawStub = (roomId: string) => env.ROOMS.get(env.ROOMS.idFromName(roomId));

/** A queue that fails the first `failures` sends and records the rest. */
function fakeQueue(failures: number): { queue: OutboxQueue; sent: RoomLogMessage[] } {
  const sent: RoomLogMessage[] = [];
  let left = failures;
  return {
    sent,
    queue: {
      sendBatch: async (messages) => {
        if (left-- > 0) throw new Error("queue unavailable");
        for (const m of messages) sent.push(m.body as RoomLogMessage);
      },
    },
  };
}

const pending = (roomId: string) => runInDurableObject(rawStub(roomId), (instance: RoomDurableObject) => instance.outbox.pending());

describe("room DO: outbox", () => {
  it("delivers on append; when the send fails, the alarm delivers it later", async () => {
    const roomId = await newRoom("12");
    const fake = fakeQueue(1);
    await runInDurableObject(rawStub(roomId), (instance: RoomDurableObject) => {
      instance.outbox.queue = fake.queue;
    });
    const failed = await mustSubmit(message(roomId, ALICE, "first"));
    expect(fake.sent).toEqual([]);
    expect(await pending(roomId)).toBe(1);

    expect(await runDurableObjectAlarm(rawStub(roomId))).toBe(true);
    expect(fake.sent.map((m) => m.entry.eventId)).toEqual([failed]);
    expect(await pending(roomId)).toBe(0);
    const [entry] = await stub(roomId).getEntries(fake.sent[0]!.entry.seq, fake.sent[0]!.entry.seq);
    expect(fake.sent[0]).toEqual({ kind: "room_log_entry", entry });

    // With the queue healthy again, the next append goes out at once and leaves no alarm behind.
    const second = await mustSubmit(message(roomId, ALICE, "second"));
    expect(fake.sent.map((m) => m.entry.eventId)).toEqual([failed, second]);
    expect(await pending(roomId)).toBe(0);
    expect(await runDurableObjectAlarm(rawStub(roomId))).toBe(false);
  });

  it("an entry appended but never sent (a crash) is delivered by the alarm set with the append, once, in seq order", async () => {
    const roomId = await newRoom("11");
    const fake = fakeQueue(0);
    const appended = await runInDurableObject(rawStub(roomId), async (instance: RoomDurableObject, state) => {
      instance.outbox.queue = fake.queue;
      // The append path without the send that follows it, as if the DO died right after the commit.
      const ids: string[] = [];
      for (const body of ["lost?", "not lost"]) {
        const r = instance.writer.decideAndAppend(message(roomId, ALICE, body), testSigningKey(SERVER));
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        ids.push(...r.value.eventIds);
      }
      expect(await state.storage.getAlarm()).not.toBeNull();
      return ids;
    });
    expect(fake.sent).toEqual([]);
    expect(await pending(roomId)).toBe(2);
    expect(await runDurableObjectAlarm(rawStub(roomId))).toBe(true);
    expect(fake.sent.map((m) => m.entry.eventId)).toEqual(appended);
    expect(await pending(roomId)).toBe(0);
    const entries = await allEntries(roomId);
    expect(entries.slice(-2).map((e) => e.eventId)).toEqual(appended);
  });

  it("a restarted DO that finds unsent entries and no alarm sets one at once", async () => {
    const roomId = await newRoom("12");
    const fake = fakeQueue(0);
    const appended = await runInDurableObject(rawStub(roomId), (instance: RoomDurableObject, state) => {
      instance.outbox.queue = fake.queue;
      const now = Date.now();
      const decision = decide(message(roomId, ALICE, "orphan"), instance.store.view(), { now, serverName: SERVER, signingKey: testSigningKey(SERVER) });
      if (!decision.ok) throw new Error(JSON.stringify(decision.error));
      // The store alone: the row is committed and no alarm exists.
      const ids = instance.store.append(decision.value, now).map((e) => e.eventId);
      new RoomDurableObject(state, env);
      return ids;
    });
    await vi.waitFor(() => expect(fake.sent.map((m) => m.entry.eventId)).toEqual(appended), { timeout: 5000 });
    expect(await pending(roomId)).toBe(0);
  });

  it("backs off while the queue keeps failing, and keeps every entry until it succeeds", async () => {
    const roomId = await newRoom("12");
    const fake = fakeQueue(3);
    await runInDurableObject(rawStub(roomId), (instance: RoomDurableObject) => {
      instance.outbox.queue = fake.queue;
    });
    const a = await mustSubmit(message(roomId, ALICE, "a"));
    const b = await mustSubmit(message(roomId, ALICE, "b"));
    expect(await runDurableObjectAlarm(rawStub(roomId))).toBe(true);
    expect(fake.sent).toEqual([]);
    const attempts = await runInDurableObject(rawStub(roomId), (_i: RoomDurableObject, state) =>
      state.storage.sql.exec<{ attempts: number }>(`SELECT attempts FROM outbox ORDER BY seq`).toArray().map((r) => r.attempts),
    );
    expect(attempts).toEqual([3, 2]);
    expect(await runDurableObjectAlarm(rawStub(roomId))).toBe(true);
    expect(fake.sent.map((m) => m.entry.eventId)).toEqual([a, b]);
    expect(await pending(roomId)).toBe(0);
  });
});
