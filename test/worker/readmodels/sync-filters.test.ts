// /sync with filters: room lists, include_leave, timeline and state filters, limits that count filtered events, event_fields, full_state.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../../src/commands/log-entry";
import type { Filter } from "../../../src/protocol/filters/filter-definition";
import { forgetRoom } from "../../../src/readmodels/forgotten-rooms";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { buildSync, type SyncRequest } from "../../../src/readmodels/sync-response";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const logs = new ScriptedLogs();
const project = (entries: readonly LogEntry[]) =>
  projectRoomLogBatch(batchOf(entries), { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} });

type Event = { event_id: string; type: string; sender: string; state_key?: string; content: Record<string, unknown>; unsigned?: Record<string, unknown> };
interface Section {
  timeline: { events: Event[]; limited: boolean };
  state: { events: Event[] };
}
interface Body {
  next_batch: string;
  rooms: { join: Record<string, Section>; invite: Record<string, unknown>; leave: Record<string, Section> };
}

async function sync(request: Omit<SyncRequest, "now">) {
  const result = await buildSync(env.DB, { now: 1_800_000_000_000, ...request });
  if (!result.ok) throw new Error(result.error.reason);
  return { ...result.value, body: result.value.body as unknown as Body };
}

const ids = (events: readonly { event_id: string }[]) => events.map((e) => e.event_id);

describe("sync filters", () => {
  it("room.rooms and room.not_rooms choose the rooms of every section", async () => {
    const a = logs.room("!fa:test").create("@fuser:test");
    const b = logs.room("!fb:test").create("@fuser:test");
    const c = logs.room("!fc:test").create("@finviter:test");
    c.member("@fuser:test", "invite", "@finviter:test");
    await project([...a.entries, ...b.entries, ...c.entries]);
    const only = await sync({ userId: "@fuser:test", filter: { room: { rooms: [a.roomId, c.roomId] } } });
    expect(Object.keys(only.body.rooms.join)).toEqual([a.roomId]);
    expect(Object.keys(only.body.rooms.invite)).toEqual([c.roomId]);
    const not = await sync({ userId: "@fuser:test", filter: { room: { not_rooms: [a.roomId, c.roomId] } } });
    expect(Object.keys(not.body.rooms.join)).toEqual([b.roomId]);
    expect(not.body.rooms.invite).toEqual({});
    const both = await sync({ userId: "@fuser:test", filter: { room: { rooms: [a.roomId], not_rooms: [a.roomId] } } });
    expect(both.body.rooms.join).toEqual({});
  });

  it("include_leave brings left rooms into an initial sync, up to the leave", async () => {
    const room = logs.room("!fleave:test").create("@fowner:test");
    room.member("@fleaver:test", "join");
    room.message("@fleaver:test", "bye");
    const left = room.member("@fleaver:test", "leave");
    room.message("@fowner:test", "after the leave");
    await project(room.entries);
    const plain = await sync({ userId: "@fleaver:test" });
    expect(plain.body.rooms.leave).toEqual({});
    const withLeave = await sync({ userId: "@fleaver:test", filter: { room: { include_leave: true } } });
    const section = withLeave.body.rooms.leave[room.roomId]!;
    expect(ids(section.timeline.events).at(-1)).toBe(left.eventId);
    expect(section.timeline.events.map((e) => e.content["body"])).not.toContain("after the leave");
    // A forgotten room stays out, even with include_leave.
    expect(await forgetRoom(env.DB, "@fleaver:test", room.roomId, 0)).toBeUndefined();
    const forgotten = await sync({ userId: "@fleaver:test", filter: { room: { include_leave: true } } });
    expect(forgotten.body.rooms.leave).toEqual({});
  });

  it("timeline types, senders and contains_url filter before the limit counts; limited says more matched", async () => {
    const room = logs.room("!ftl:test").create("@tl:test");
    room.member("@tl2:test", "join");
    const m1 = room.message("@tl:test", "one");
    const img = room.append({ type: "m.room.message", sender: "@tl2:test", content: { msgtype: "m.image", body: "pic", url: "mxc://x/y" } });
    room.append({ type: "m.reaction", sender: "@tl2:test", content: { "m.relates_to": { rel_type: "m.annotation", event_id: m1.eventId, key: "x" } } });
    const m2 = room.message("@tl2:test", "two");
    room.append({ type: "org.example.custom", sender: "@tl:test", content: {} });
    await project(room.entries);
    const messages = (filter: Filter["room"]) => sync({ userId: "@tl:test", filter: { room: filter! } });

    const onlyMessages = await messages({ timeline: { types: ["m.room.*"], not_types: ["m.room.member", "m.room.create", "m.room.power_levels"], limit: 2 } });
    const tl = onlyMessages.body.rooms.join[room.roomId]!.timeline;
    expect(ids(tl.events)).toEqual([img.eventId, m2.eventId]);
    expect(tl.limited).toBe(true);

    const bySender = await messages({ timeline: { senders: ["@tl2:test"], not_types: ["m.room.member"] } });
    expect(ids(bySender.body.rooms.join[room.roomId]!.timeline.events)).toEqual([img.eventId, room.entries[6]!.eventId, m2.eventId]);
    const notSender = await messages({ timeline: { not_senders: ["@tl:test"], types: ["m.room.message"] } });
    expect(ids(notSender.body.rooms.join[room.roomId]!.timeline.events)).toEqual([img.eventId, m2.eventId]);

    const urls = await messages({ timeline: { contains_url: true } });
    expect(ids(urls.body.rooms.join[room.roomId]!.timeline.events)).toEqual([img.eventId]);
    const noUrls = await messages({ timeline: { contains_url: false, types: ["m.room.message"] } });
    expect(ids(noUrls.body.rooms.join[room.roomId]!.timeline.events)).toEqual([m1.eventId, m2.eventId]);
    const patterns = await messages({ timeline: { types: ["org.*.cust?m", "*custom"] } });
    expect(patterns.body.rooms.join[room.roomId]!.timeline.events.map((e) => e.type)).toEqual(["org.example.custom"]);
    const excluded = await messages({ timeline: { not_rooms: [room.roomId] } });
    expect(excluded.body.rooms.join[room.roomId]!.timeline.events).toEqual([]);
    // The timeline is empty, so the state section holds the whole state.
    expect(excluded.body.rooms.join[room.roomId]!.state.events.map((e) => e.type).sort()).toEqual(
      ["m.room.create", "m.room.member", "m.room.member", "m.room.power_levels"],
    );
  });

  it("state filters apply to the state section; event_fields trims events; event_format federation gives PDUs", async () => {
    const room = logs.room("!fst:test").create("@st:test");
    room.append({ type: "m.room.topic", sender: "@st:test", stateKey: "", content: { topic: "t" } });
    room.message("@st:test", "one");
    room.message("@st:test", "two");
    await project(room.entries);
    const result = await sync({
      userId: "@st:test",
      filter: { room: { timeline: { limit: 1 }, state: { types: ["m.room.topic", "m.room.create"] } }, event_fields: ["type", "content.body"] },
    });
    const section = result.body.rooms.join[room.roomId]!;
    expect(section.state.events.map((e) => e.type).sort()).toEqual(["m.room.create", "m.room.topic"]);
    expect(section.timeline.events).toEqual([{ type: "m.room.message", content: { body: "two" } }]);
    const federation = await sync({ userId: "@st:test", filter: { room: { timeline: { limit: 1 } }, event_format: "federation" } });
    const pdu = federation.body.rooms.join[room.roomId]!.timeline.events[0] as unknown as Record<string, unknown>;
    expect(pdu).toMatchObject({ type: "m.room.message", room_id: room.roomId, depth: 6, hashes: { sha256: "aGFzaA" }, unsigned: { age: expect.any(Number) } });
    const noState = await sync({ userId: "@st:test", filter: { room: { timeline: { limit: 1 }, state: { not_types: ["*"] } } } });
    expect(noState.body.rooms.join[room.roomId]!.state.events).toEqual([]);
  });

  it("full_state on an incremental sync sends the room with its whole state even with nothing new", async () => {
    const room = logs.room("!ffull:test").create("@full:test");
    room.message("@full:test", "one");
    await project(room.entries);
    const first = await sync({ userId: "@full:test" });
    const again = await sync({ userId: "@full:test", since: first.body.next_batch, fullState: true });
    expect(again.empty).toBe(false);
    const section = again.body.rooms.join[room.roomId]!;
    expect(section.timeline.events).toEqual([]);
    expect(section.state.events.map((e) => e.type).sort()).toEqual(["m.room.create", "m.room.member", "m.room.power_levels"]);
    const next = room.message("@full:test", "two");
    await project([next]);
    const withNew = await sync({ userId: "@full:test", since: first.body.next_batch, fullState: true });
    expect(ids(withNew.body.rooms.join[room.roomId]!.timeline.events)).toEqual([next.eventId]);
    expect(withNew.body.rooms.join[room.roomId]!.state.events).toHaveLength(3);
  });
});
