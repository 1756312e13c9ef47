// The projection with the real room DO: its outbox feeds the queue, gaps fill from its log, replay reads it.
import { env } from "cloudflare:test";
import { expect, it } from "vitest";
import { createRoom, roomLogSource, roomStub, submitToRoom, type LogEntry, type RoomEventCommand } from "../../../src/durable/room-client";
import { syncNotifierClient } from "../../../src/durable/sync-notifier-client";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { READ_MODEL_TABLES, replayReadModels } from "../../../src/projections/replay";
import { batchOf, snapshotReadModels } from "./scripted-log";

const SERVER = env.SERVER_NAME;
const ALICE = `@alice:${SERVER}`;
const BOB = `@bob:${SERVER}`;

async function newRoom(version: string): Promise<string> {
  const created = await createRoom(env.ROOMS, SERVER, { sender: ALICE, roomVersion: version, preset: "public_chat", name: "Real" });
  if (!created.ok) throw new Error(`createRoom: ${JSON.stringify(created.error)}`);
  return created.value.roomId;
}

async function submit(command: RoomEventCommand): Promise<void> {
  const result = await submitToRoom(env.ROOMS, command);
  if (!result.ok) throw new Error(`${command._tag}: ${JSON.stringify(result.error)}`);
}

const send = (roomId: string, sender: string, body: string): RoomEventCommand => ({
  _tag: "SendEvent",
  v: 1,
  roomId,
  sender,
  deviceId: "DEV",
  txnId: `t-${body}`,
  type: "m.room.message",
  content: { msgtype: "m.text", body },
});

async function logOf(roomId: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (;;) {
    // The RPC return type of a record with unknown values collapses; the DO returns LogEntry[].
    const page = (await roomStub(env.ROOMS, roomId).getEntries(out.length + 1, Number.MAX_SAFE_INTEGER)) as unknown as LogEntry[];
    if (page.length === 0) return out;
    out.push(...page);
  }
}

/** Waits until the live queue consumer has projected the room up to its last seq. */
async function projected(roomId: string): Promise<void> {
  const last = (await logOf(roomId)).length;
  for (let i = 0; i < 200; i += 1) {
    const row = await env.DB.prepare("SELECT seq FROM room_checkpoints WHERE room_id = ?").bind(roomId).first<{ seq: number }>();
    if ((row?.seq ?? 0) >= last) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`room ${roomId} was not projected to seq ${last}`);
}

const pause = () => new Promise((r) => setTimeout(r, 5));

it("projects what the room DO appends, fills a gap from its log, and replays to equal tables", async () => {
  const first = await newRoom("11");
  await projected(first);
  await pause();
  const second = await newRoom("12");
  await projected(second);
  for (let i = 0; i < 3; i += 1) {
    await pause();
    await submit(send(first, ALICE, `a${i}`));
    await projected(first);
    await pause();
    await submit({ _tag: "Membership", v: 1, roomId: second, sender: BOB, action: i === 1 ? "leave" : "join" });
    await projected(second);
  }

  // Live: every entry of both logs is in D1, in seq order per room.
  const firstLog = await logOf(first);
  const rows = await env.DB.prepare("SELECT event_id, seq FROM events WHERE room_id = ? ORDER BY stream_pos").bind(first).all();
  expect(rows.results).toEqual(firstLog.map((e) => ({ event_id: e.eventId, seq: e.seq })));
  const notifier = syncNotifierClient(env.SYNC_NOTIFIER);
  expect(await notifier.waitBeyond(0, 0)).toBeGreaterThanOrEqual(rows.results.length);

  const live = await snapshotReadModels(env.DB, READ_MODEL_TABLES);
  expect(live["memberships"]).toContainEqual(expect.objectContaining({ user_id: BOB, room_id: second, membership: "join" }));

  // Replay from the room DOs' logs rebuilds the same rows.
  const done = await replayReadModels({ db: env.DB, logSource: roomLogSource(env.ROOMS), pageSize: 3 });
  expect(done).toMatchObject({ roomsTotal: 2, roomsDone: 2 });
  expect(await snapshotReadModels(env.DB, READ_MODEL_TABLES)).toEqual(live);

  // A room whose projection lost everything gets the last entry first: the gap fills from the DO.
  const stmts = ["events", "current_state", "state_changes", "memberships", "relations", "redactions", "room_checkpoints"].map((t) =>
    env.DB.prepare(`DELETE FROM ${t} WHERE room_id = ?`).bind(first),
  );
  await env.DB.batch(stmts);
  const report = await projectRoomLogBatch(batchOf([firstLog.at(-1)!]), {
    db: env.DB,
    logSource: roomLogSource(env.ROOMS),
    notify: async () => {},
    log: () => {},
  });
  expect(report).toMatchObject({ applied: firstLog.length, inconsistencies: [] });
  const refilled = await env.DB.prepare("SELECT event_id FROM events WHERE room_id = ? ORDER BY stream_pos").bind(first).all();
  expect(refilled.results.map((r) => (r as { event_id: string }).event_id)).toEqual(firstLog.map((e) => e.eventId));
});
