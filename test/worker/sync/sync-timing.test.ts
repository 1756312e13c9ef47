// Timing of buildSync for a user in 20 rooms × 50 messages: initial, incremental with one new event, and idle. Prints p50s.
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import type { LogEntry } from "../../../src/commands/log-entry";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { buildSync } from "../../../src/readmodels/sync-response";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const logs = new ScriptedLogs();
const project = (entries: readonly LogEntry[]) =>
  projectRoomLogBatch(batchOf(entries), { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} });

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await f();
  return [performance.now() - started, value];
}

it("measures initial and incremental sync for 20 rooms × 50 messages", { timeout: 120_000 }, async () => {
  const user = "@timing:test";
  const rooms = Array.from({ length: 20 }, (_, i) => logs.room(`!timing${i}:test`).create(user));
  for (const room of rooms) {
    room.member("@other:test", "join");
    for (let m = 0; m < 50; m++) room.message(m % 2 === 0 ? user : "@other:test", `message ${m}`);
    await project(room.entries);
  }
  const initial: number[] = [];
  let token = "";
  for (let i = 0; i < 9; i++) {
    const [ms, result] = await timed(() => buildSync(env.DB, { userId: user, now: Date.now() }));
    if (!result.ok) throw new Error("sync failed");
    expect(Object.keys((result.value.body["rooms"] as { join: object }).join)).toHaveLength(20);
    token = result.value.body["next_batch"] as string;
    initial.push(ms);
  }
  const idle: number[] = [];
  const oneNew: number[] = [];
  for (let i = 0; i < 9; i++) {
    const [ms] = await timed(() => buildSync(env.DB, { userId: user, since: token, now: Date.now() }));
    idle.push(ms);
    const room = rooms[i]!;
    await project([room.message("@other:test", `new ${i}`)]);
    const [ms2, result] = await timed(() => buildSync(env.DB, { userId: user, since: token, now: Date.now() }));
    if (!result.ok) throw new Error("sync failed");
    expect(Object.keys((result.value.body["rooms"] as { join: object }).join)).toHaveLength(1);
    token = result.value.body["next_batch"] as string;
    oneNew.push(ms2);
  }
  console.log(`sync timing p50 ms: initial ${p50(initial).toFixed(1)}, incremental idle ${p50(idle).toFixed(1)}, incremental one event ${p50(oneNew).toFixed(1)}`);
});
