// The queue consumer against real D1: redelivery, out-of-order batches, half-way failures, poison.
import { createExecutionContext, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { handleRoomLogQueue, projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { noLogSource } from "../../../src/projections/room-log-source";
import worker from "../../../src/worker";
import { batchOf, ScriptedLogs, tableRows } from "./scripted-log";

const quiet = { log: () => {} };

async function roomRows(roomId: string) {
  const q = (sql: string) => env.DB.prepare(sql).bind(roomId).all().then((r) => r.results);
  return {
    events: await q("SELECT * FROM events WHERE room_id = ? ORDER BY stream_pos"),
    state: await q("SELECT * FROM current_state WHERE room_id = ? ORDER BY type, state_key"),
    changes: await q("SELECT * FROM state_changes WHERE room_id = ? ORDER BY stream_pos, type, state_key"),
    memberships: await q("SELECT * FROM memberships WHERE room_id = ? ORDER BY user_id"),
    relations: await q("SELECT * FROM relations WHERE room_id = ? ORDER BY event_id"),
    checkpoint: await q("SELECT seq FROM room_checkpoints WHERE room_id = ?"),
  };
}

/** env.DB that records each round trip it makes (batch, first, all, run) and each batch's size. */
function countingD1(calls: string[], batchSizes: number[] = []): D1Database {
  const counted = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        if (prop === "bind") return (...args: unknown[]) => counted(target.bind(...args));
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => {
            calls.push(prop);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => counted(target.prepare(sql));
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          calls.push("batch");
          batchSizes.push(statements.length);
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function runQueue(batch: MessageBatch<unknown>) {
  const ctx = createExecutionContext();
  const thrown = await worker.queue!(batch, env, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { result: await getQueueResult(batch, ctx), thrown };
}

describe("room log consumer", () => {
  it("projects a room through the worker's queue handler and pokes the notifier", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!basic:test").create("@alice:test");
    room.member("@bob:test", "invite", "@alice:test");
    room.member("@bob:test", "join");
    room.message("@bob:test", "hello", {});
    room.append({ type: "m.room.name", sender: "@alice:test", stateKey: "", content: { name: "Basic" } });
    room.append({ type: "m.room.name", sender: "@alice:test", stateKey: "", content: { name: "Renamed" } });

    const { result, thrown } = await runQueue(batchOf(room.entries));
    expect(thrown).toBeUndefined();
    expect(result.explicitAcks).toHaveLength(room.entries.length);
    expect(result.retryMessages).toEqual([]);

    const rows = await roomRows(room.roomId);
    expect(rows.checkpoint).toEqual([{ seq: room.entries.length }]);
    expect(rows.events.map((e) => (e as { seq: number }).seq)).toEqual(room.entries.map((e) => e.seq));
    expect(rows.memberships).toMatchObject([
      { user_id: "@alice:test", membership: "join" },
      { user_id: "@bob:test", membership: "join", event_id: room.entries[4]!.eventId },
    ]);
    const name = rows.state.find((s) => (s as { type: string }).type === "m.room.name");
    expect(name).toMatchObject({ event_id: room.entries[7]!.eventId });
    // The second name event replaced the first: prev_content comes from there.
    expect(rows.events[7]).toMatchObject({ replaces_event_id: room.entries[6]!.eventId });

    const last = rows.events.at(-1) as { stream_pos: number };
    const notifier = env.SYNC_NOTIFIER.get(env.SYNC_NOTIFIER.idFromName("global"));
    expect(await notifier.position()).toBeGreaterThanOrEqual(last.stream_pos);
  });

  it("treats the same batch delivered twice as duplicates and changes nothing", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!twice:test").create("@alice:test");
    room.message("@alice:test", "one");
    room.message("@alice:test", "two");
    await runQueue(batchOf(room.entries));
    const before = await roomRows(room.roomId);

    const deps = { db: env.DB, logSource: noLogSource, notify: async () => {}, ...quiet };
    const report = await projectRoomLogBatch(batchOf(room.entries), deps);
    expect(report).toMatchObject({ applied: 0, duplicates: room.entries.length, retried: 0, inconsistencies: [] });
    expect(await roomRows(room.roomId)).toEqual(before);
  });

  it("costs one D1 round trip per entry in the usual case (entries in order after the checkpoint)", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!trips:test").create("@alice:test");
    room.message("@alice:test", "one");
    const calls: string[] = [];
    const counted = countingD1(calls);
    const deps = { db: counted, logSource: noLogSource, notify: async () => {}, ...quiet };
    // The first batch (the room's first entries) and a later one (the live case: one new entry).
    expect(await projectRoomLogBatch(batchOf(room.entries), deps)).toMatchObject({ applied: room.entries.length });
    expect(calls).toEqual(room.entries.map(() => "batch"));
    calls.length = 0;
    room.message("@alice:test", "two");
    const sizes: number[] = [];
    const live = { ...deps, db: countingD1(calls, sizes) };
    expect(await projectRoomLogBatch(batchOf(room.entries.slice(-1)), live)).toMatchObject({ applied: 1 });
    expect(calls).toEqual(["batch"]);
    // A searchable message: the event row, its search row (two statements) and the checkpoint move.
    expect(sizes).toEqual([4]);
  });

  it("takes a redaction's power from the room DO's decision when the entry carries it, without reading D1", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!decided:test").create("@alice:test");
    room.member("@eve:other", "join");
    const target = room.message("@alice:test", "hello");
    // Eve holds no power in the projected state; the entry says the room DO found otherwise.
    const redaction = room.redact("@eve:other", target.eventId);
    room.entries[room.entries.length - 1] = { ...redaction, redactorHasPower: true };
    const calls: string[] = [];
    const deps = { db: countingD1(calls), logSource: noLogSource, notify: async () => {}, ...quiet };
    await projectRoomLogBatch(batchOf(room.entries), deps);
    expect(calls).toEqual(room.entries.map(() => "batch"));
    const rows = await roomRows(room.roomId);
    const row = rows.events.find((e) => (e as { event_id: string }).event_id === target.eventId) as { redacted_because: string | null };
    expect(row.redacted_because).toBe(redaction.eventId);
  });

  it("fills a gap from the room log before applying a later entry, then acks the early ones as duplicates", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!gap:test").create("@alice:test");
    for (let i = 0; i < 5; i += 1) room.message("@alice:test", `m${i}`);
    const deps = { db: env.DB, logSource: logs, notify: async () => {}, ...quiet };

    const late = batchOf(room.entries.slice(5).reverse());
    const first = await projectRoomLogBatch(late, deps);
    expect(first).toMatchObject({ applied: room.entries.length, inconsistencies: [] });
    expect(logs.reads).toEqual([{ roomId: room.roomId, from: 1, to: 5 }]);

    const early = await projectRoomLogBatch(batchOf(room.entries.slice(0, 5)), deps);
    expect(early).toMatchObject({ applied: 0, duplicates: 5 });
    const rows = await roomRows(room.roomId);
    expect(rows.events.map((e) => (e as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("leaves a room unacked when its gap cannot be filled, and still applies other rooms", async () => {
    const logs = new ScriptedLogs();
    const broken = logs.room("!nofill:test").create("@alice:test");
    broken.message("@alice:test", "lost");
    const fine = logs.room("!fine:test").create("@alice:test");
    const batch = batchOf([broken.entries[3]!, ...fine.entries]);
    const ctx = createExecutionContext();
    const deps = { db: env.DB, logSource: noLogSource, notify: async () => {}, ...quiet };
    await expect(handleRoomLogQueue(batch, deps)).rejects.toThrow(/gap 1\.\.3 could not be filled/);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.slice(1).map((m) => m.id).sort());
    expect((await roomRows(broken.roomId)).events).toEqual([]);
    expect((await roomRows(fine.roomId)).checkpoint).toEqual([{ seq: 3 }]);
  });

  it("retries from the failed entry when D1 fails half-way, and the redelivery completes the room", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!halfway:test").create("@alice:test");
    for (let i = 0; i < 4; i += 1) room.message("@alice:test", `m${i}`);
    let batches = 0;
    const flaky = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            batches += 1;
            if (batches === 4) throw new Error("D1_ERROR: simulated network failure");
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const batch = batchOf(room.entries);
    const ctx = createExecutionContext();
    const report = await projectRoomLogBatch(batch, { db: flaky, logSource: noLogSource, notify: async () => {}, ...quiet });
    expect(report).toMatchObject({ applied: 3, retried: 4 });
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(batch.messages.slice(0, 3).map((m) => m.id));
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(batch.messages.slice(3).map((m) => m.id));
    expect((await roomRows(room.roomId)).checkpoint).toEqual([{ seq: 3 }]);

    const again = await projectRoomLogBatch(batchOf(room.entries), { db: env.DB, logSource: noLogSource, notify: async () => {}, ...quiet });
    expect(again).toMatchObject({ applied: 4, duplicates: 3, retried: 0 });
    const rows = await roomRows(room.roomId);
    expect(rows.events.map((e) => (e as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows.checkpoint).toEqual([{ seq: 7 }]);
  });

  it("acks and records a poison message without touching the read models", async () => {
    const batch = batchOf([{ raw: { kind: "room_log_entry", entry: { v: 99 } } }, { raw: "not even an object" }]);
    const { result, thrown } = await runQueue(batch);
    expect(thrown).toBeUndefined();
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    const dead = await env.DB.prepare("SELECT message_id, body FROM projection_dead_letters WHERE message_id IN (?, ?)")
      .bind(batch.messages[0]!.id, batch.messages[1]!.id)
      .all();
    expect(dead.results).toHaveLength(2);
  });

  it("applies redactions by the sender or by power, in either arrival order, and drops the relation", async () => {
    const logs = new ScriptedLogs();
    const room = logs.room("!redact:test").create("@alice:test");
    room.member("@bob:test", "join");
    room.member("@eve:other", "join");
    const own = room.message("@bob:test", "oops");
    const reaction = room.append({
      type: "m.reaction",
      sender: "@bob:test",
      content: { "m.relates_to": { rel_type: "m.annotation", event_id: own.eventId, key: "👍" } },
    });
    const byEve = room.message("@eve:other", "spam");
    room.redact("@bob:test", reaction.eventId);
    room.redact("@eve:other", own.eventId); // no power, other domain: not applied
    room.redact("@alice:test", byEve.eventId); // power 100 ≥ redact 50
    const deps = { db: env.DB, logSource: logs, notify: async () => {}, ...quiet };
    await projectRoomLogBatch(batchOf(room.entries), deps);
    const rows = await roomRows(room.roomId);
    const redactedBy = Object.fromEntries(
      rows.events.map((e) => [(e as { event_id: string }).event_id, (e as { redacted_because: string | null }).redacted_because]),
    );
    expect(redactedBy[reaction.eventId]).toBe(room.entries[8]!.eventId);
    expect(redactedBy[own.eventId]).toBeNull();
    expect(redactedBy[byEve.eventId]).toBe(room.entries[10]!.eventId);
    expect(rows.relations).toEqual([]);

    // A federated log can hold a redaction before its target: it applies when the target lands.
    const early = logs.room("!early:test").create("@carol:test");
    early.redact("@carol:test", "$early_test-5");
    const target = early.message("@carol:test", "later");
    expect(target.eventId).toBe("$early_test-5");
    await projectRoomLogBatch(batchOf(early.entries), deps);
    const earlyRows = await tableRows(env.DB, "events WHERE room_id = '!early:test'", "stream_pos");
    expect(earlyRows.at(-1)).toMatchObject({ event_id: target.eventId, redacted_because: early.entries[3]!.eventId });
  });
});
