// Replay equals live: a scripted multi-room workload projected through the queue handler, then rebuilt.
import { createExecutionContext, env, getQueueResult } from "cloudflare:test";
import { expect, it } from "vitest";
import { READ_MODEL_TABLES, replayReadModels, type ReplayProgress } from "../../../src/projections/replay";
import worker from "../../../src/worker";
import { batchOf, ScriptedLogs, snapshotReadModels } from "./scripted-log";

const snapshot = () => snapshotReadModels(env.DB, READ_MODEL_TABLES);

function workload(): ScriptedLogs {
  const logs = new ScriptedLogs();
  const a = logs.room("!replay-a:test").create("@ann:test");
  const b = logs.room("!replay-b:test", "10").create("@ben:test");
  const c = logs.room("!replay-c:test", "12").create("@cat:test");
  for (let round = 0; round < 6; round += 1) {
    const ma = a.message("@ann:test", `a${round}`);
    b.member(`@guest${round}:test`, "invite", "@ben:test");
    b.member(`@guest${round}:test`, "join");
    a.append({
      type: "m.reaction",
      sender: "@ann:test",
      content: { "m.relates_to": { rel_type: "m.annotation", event_id: ma.eventId, key: String(round) } },
    });
    c.append({ type: "m.room.topic", sender: "@cat:test", stateKey: "", content: { topic: `t${round}` } });
    if (round % 2 === 0) a.redact("@ann:test", ma.eventId);
    if (round === 3) b.member("@guest1:test", "leave");
    if (round === 4) c.append({ type: "m.room.message", sender: "@mallory:test", content: { body: "x" }, status: "rejected" });
    c.message("@cat:test", `c${round}`, round === 5 ? { "m.relates_to": { rel_type: "m.thread", event_id: c.entries[3]!.eventId } } : {});
  }
  b.member("@ben:test", "leave");
  return logs;
}

it("rebuilds every read model from the room logs, equal to the live tables row for row", async () => {
  const logs = workload();
  const all = logs.all();
  // Live: the outbox order in batches of 7, one of them delivered twice.
  for (let i = 0; i < all.length; i += 7) {
    const deliveries = i === 14 ? 2 : 1;
    for (let d = 0; d < deliveries; d += 1) {
      // Reversed: queues do not promise order, the consumer restores it.
      const batch = batchOf(all.slice(i, i + 7).reverse());
      const ctx = createExecutionContext();
      await worker.queue!(batch, env, ctx);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(batch.messages.length);
    }
  }
  const live = await snapshot();
  expect(live["events"]).toHaveLength(all.length);
  expect(live["relations"]!.length).toBeGreaterThan(0);
  expect(live["redactions"]!.length).toBeGreaterThan(0);

  const lines: ReplayProgress[] = [];
  let resetTo: number | undefined;
  const done = await replayReadModels({
    db: env.DB,
    logSource: logs,
    onProgress: (p) => lines.push(p),
    onDone: async (position) => {
      resetTo = position;
    },
    pageSize: 4,
    progressEvery: 10,
  });
  expect(done).toMatchObject({ roomsTotal: 3, roomsDone: 3, events: all.length });
  expect(lines.length).toBeGreaterThan(3);
  expect(resetTo).toBe((live["events"]!.at(-1) as { stream_pos: number }).stream_pos);
  expect(await snapshot()).toEqual(live);
});
