// /sync room sections beyond timeline and state: lazy-loaded members, summary, unread counts (room and per thread), bundled aggregations.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../../src/commands/log-entry";
import { projectRoomLogBatch } from "../../../src/projections/room-log-consumer";
import { buildSync, type SyncRequest } from "../../../src/readmodels/sync-response";
import { buildRoomSections } from "../../../src/readmodels/sync-rooms";
import { readSyncSnapshot } from "../../../src/readmodels/sync-snapshot";
import { batchOf, ScriptedLogs } from "../projections/scripted-log";

const logs = new ScriptedLogs();
const project = (entries: readonly LogEntry[]) =>
  projectRoomLogBatch(batchOf(entries), { db: env.DB, logSource: logs, notify: async () => {}, log: () => {} });

type Event = { event_id: string; type: string; sender: string; state_key?: string; content: Record<string, unknown>; unsigned?: Record<string, unknown> };
interface Section {
  timeline: { events: Event[]; limited: boolean };
  state: { events: Event[] };
  summary: Record<string, unknown>;
  unread_notifications: { notification_count: number; highlight_count: number };
  unread_thread_notifications?: Record<string, { notification_count: number; highlight_count: number }>;
}
interface Body {
  next_batch: string;
  rooms: { join: Record<string, Section> };
}

async function sync(request: Omit<SyncRequest, "now">) {
  const result = await buildSync(env.DB, { now: 1_800_000_000_000, ...request });
  if (!result.ok) throw new Error(result.error.reason);
  return { ...result.value, body: result.value.body as unknown as Body };
}

const LAZY = { room: { timeline: { limit: 2 }, state: { lazy_load_members: true } } };
const memberKeys = (section: Section) => section.state.events.filter((e) => e.type === "m.room.member").map((e) => e.state_key).sort();

describe("lazy-loading members", () => {
  it("state carries the member events of the timeline's senders and the user's own; later syncs add new senders", async () => {
    const room = logs.room("!lazy:test").create("@lz-a:test");
    room.append({ type: "m.room.name", sender: "@lz-a:test", stateKey: "", content: { name: "Lazy" } });
    for (const u of ["@lz-b:test", "@lz-c:test", "@lz-d:test"]) room.member(u, "join");
    room.message("@lz-b:test", "b1");
    room.message("@lz-b:test", "b2");
    await project(room.entries);

    const eager = await sync({ userId: "@lz-a:test", filter: { room: { timeline: { limit: 2 } } } });
    expect(memberKeys(eager.body.rooms.join[room.roomId]!)).toEqual(["@lz-a:test", "@lz-b:test", "@lz-c:test", "@lz-d:test"]);

    const lazy = await sync({ userId: "@lz-a:test", filter: LAZY });
    const section = lazy.body.rooms.join[room.roomId]!;
    expect(memberKeys(section)).toEqual(["@lz-a:test", "@lz-b:test"]);
    expect(section.state.events.map((e) => e.type)).toContain("m.room.name");

    const fromC = room.message("@lz-c:test", "c1");
    await project([fromC]);
    const next = await sync({ userId: "@lz-a:test", filter: LAZY, since: lazy.body.next_batch });
    const incremental = next.body.rooms.join[room.roomId]!;
    expect(incremental.timeline.events.map((e) => e.event_id)).toEqual([fromC.eventId]);
    expect(memberKeys(incremental)).toEqual(["@lz-c:test"]);
  });

  it("includes the heroes' member events when the room has no name", async () => {
    const room = logs.room("!lazyheroes:test").create("@lh-a:test");
    room.member("@lh-b:test", "join");
    room.member("@lh-c:test", "join");
    for (let i = 0; i < 3; i++) room.message("@lh-a:test", `m${i}`);
    await project(room.entries);
    const section = (await sync({ userId: "@lh-a:test", filter: LAZY })).body.rooms.join[room.roomId]!;
    expect(section.summary["m.heroes"]).toEqual(["@lh-b:test", "@lh-c:test"]);
    expect(memberKeys(section)).toEqual(["@lh-a:test", "@lh-b:test", "@lh-c:test"]);
  });
});

describe("summary", () => {
  it("heroes only without a name or alias; counts; sent again only when membership or naming changed", async () => {
    const room = logs.room("!summary:test").create("@sm-a:test");
    room.member("@sm-b:test", "join");
    room.member("@sm-c:test", "invite", "@sm-a:test");
    room.member("@sm-d:test", "join");
    room.member("@sm-d:test", "leave");
    await project(room.entries);
    const first = await sync({ userId: "@sm-a:test" });
    expect(first.body.rooms.join[room.roomId]!.summary).toEqual({
      "m.joined_member_count": 2,
      "m.invited_member_count": 1,
      "m.heroes": ["@sm-b:test", "@sm-c:test"],
    });
    const msg = room.message("@sm-b:test", "hi");
    await project([msg]);
    const quiet = await sync({ userId: "@sm-a:test", since: first.body.next_batch });
    expect(quiet.body.rooms.join[room.roomId]!.summary).toEqual({});
    const named = room.append({ type: "m.room.name", sender: "@sm-a:test", stateKey: "", content: { name: "Named" } });
    await project([named]);
    const renamed = await sync({ userId: "@sm-a:test", since: quiet.body.next_batch });
    expect(renamed.body.rooms.join[room.roomId]!.summary).toEqual({ "m.joined_member_count": 2, "m.invited_member_count": 1 });
  });

  it("falls back to left users as heroes when nobody else is joined or invited", async () => {
    const room = logs.room("!alone:test").create("@al-a:test");
    room.member("@al-b:test", "join");
    room.member("@al-b:test", "leave");
    await project(room.entries);
    const section = (await sync({ userId: "@al-a:test" })).body.rooms.join[room.roomId]!;
    expect(section.summary).toEqual({ "m.joined_member_count": 1, "m.invited_member_count": 0, "m.heroes": ["@al-b:test"] });
  });
});

describe("unread notifications", () => {
  it("counts others' notifying events since the user's own last event, highlights apart, in the same sync as the event", async () => {
    const room = logs.room("!unread:test").create("@ur-a:test");
    room.member("@ur-b:test", "join");
    room.message("@ur-a:test", "mine");
    await project(room.entries);
    const first = await sync({ userId: "@ur-a:test" });
    expect(first.body.rooms.join[room.roomId]!.unread_notifications).toEqual({ notification_count: 0, highlight_count: 0 });
    const plain = room.message("@ur-b:test", "hello");
    const mention = room.message("@ur-b:test", "hey you", { "m.mentions": { user_ids: ["@ur-a:test"] } });
    await project([plain, mention]);
    const second = await sync({ userId: "@ur-a:test", since: first.body.next_batch });
    expect(second.body.rooms.join[room.roomId]!.unread_notifications).toEqual({ notification_count: 2, highlight_count: 1 });
    const reply = room.message("@ur-a:test", "answer");
    await project([reply]);
    const third = await sync({ userId: "@ur-a:test", since: second.body.next_batch });
    expect(third.body.rooms.join[room.roomId]!.unread_notifications).toEqual({ notification_count: 0, highlight_count: 0 });
  });

  it("read receipts (unthreaded, main, per thread) clear counts; unread_thread_notifications splits threads out", async () => {
    const room = logs.room("!unreadthreads:test").create("@ut-a:test");
    room.member("@ut-b:test", "join");
    const root = room.message("@ut-b:test", "root");
    const inThread = (body: string) =>
      room.message("@ut-b:test", body, { "m.relates_to": { rel_type: "m.thread", event_id: root.eventId } });
    inThread("t1");
    inThread("t2");
    room.message("@ut-b:test", "main");
    await project(room.entries);
    const total = await sync({ userId: "@ut-a:test" });
    expect(total.body.rooms.join[room.roomId]!.unread_notifications.notification_count).toBe(4);
    const threaded = await sync({ userId: "@ut-a:test", filter: { room: { timeline: { unread_thread_notifications: true } } } });
    const section = threaded.body.rooms.join[room.roomId]!;
    expect(section.unread_notifications.notification_count).toBe(2);
    expect(section.unread_thread_notifications).toEqual({ [root.eventId]: { notification_count: 2, highlight_count: 0 } });
    const receipt = (type: string, threadId: string, eventId: string) =>
      env.DB.prepare(
        "INSERT OR REPLACE INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts) VALUES (?, '@ut-a:test', ?, ?, ?, 0)",
      )
        .bind(room.roomId, type, threadId, eventId)
        .run();
    // An unthreaded private receipt on the root: everything up to it is read, in every timeline.
    await receipt("m.read.private", "", root.eventId);
    expect((await sync({ userId: "@ut-a:test" })).body.rooms.join[room.roomId]!.unread_notifications.notification_count).toBe(3);
    // A receipt in the thread clears the thread only; one on `main` the main timeline only.
    await receipt("m.read", root.eventId, room.entries[6]!.eventId);
    const threadRead = await sync({ userId: "@ut-a:test", filter: { room: { timeline: { unread_thread_notifications: true } } } });
    expect(threadRead.body.rooms.join[room.roomId]!.unread_notifications.notification_count).toBe(1);
    expect(threadRead.body.rooms.join[room.roomId]!.unread_thread_notifications).toBeUndefined();
    await receipt("m.read", "main", room.entries[7]!.eventId);
    expect((await sync({ userId: "@ut-a:test" })).body.rooms.join[room.roomId]!.unread_notifications.notification_count).toBe(0);
  });
});

describe("bundled aggregations", () => {
  it("timeline events carry m.thread, m.replace and m.reference in unsigned.m.relations", async () => {
    const room = logs.room("!bundled:test").create("@ag:test");
    const parent = room.message("@ag:test", "parent");
    const reply = room.message("@ag:test", "in thread", { "m.relates_to": { rel_type: "m.thread", event_id: parent.eventId } });
    const edit = room.message("@ag:test", "* edited", {
      "m.new_content": { msgtype: "m.text", body: "edited" },
      "m.relates_to": { rel_type: "m.replace", event_id: parent.eventId },
    });
    const ref = room.message("@ag:test", "ref", { "m.relates_to": { rel_type: "m.reference", event_id: parent.eventId } });
    await project(room.entries);
    const events = (await sync({ userId: "@ag:test" })).body.rooms.join[room.roomId]!.timeline.events;
    const relations = events.find((e) => e.event_id === parent.eventId)!.unsigned!["m.relations"] as Record<string, Record<string, unknown>>;
    expect(relations["m.thread"]).toMatchObject({ count: 1, current_user_participated: true, latest_event: { event_id: reply.eventId } });
    expect(relations["m.replace"]).toMatchObject({ event_id: edit.eventId });
    expect(relations["m.reference"]).toEqual({ chunk: [{ event_id: ref.eventId }] });
    expect(events.find((e) => e.event_id === reply.eventId)!.unsigned!["m.relations"]).toBeUndefined();
  });
});

describe("membership changes that keep the user joined", () => {
  it("a display name change is an incremental update, not a room new to the client", async () => {
    const room = logs.room("!rename:test").create("@rn:test");
    room.message("@rn:test", "hello");
    await project(room.entries);
    const first = await sync({ userId: "@rn:test" });
    const renamed = room.append({ type: "m.room.member", sender: "@rn:test", stateKey: "@rn:test", content: { membership: "join", displayname: "RN" } });
    await project([renamed]);
    const next = await sync({ userId: "@rn:test", since: first.body.next_batch });
    const section = next.body.rooms.join[room.roomId]!;
    expect(section.timeline.events.map((e) => e.event_id)).toEqual([renamed.eventId]);
    expect(section.state.events).toEqual([]);
    expect(section.summary).toEqual({ "m.joined_member_count": 1, "m.invited_member_count": 0, "m.heroes": [] });
  });
});

describe("knock and ban", () => {
  it("a knock shows knock_state once; a ban shows once under leave, ending with the ban", async () => {
    const room = logs.room("!knockban:test").create("@kb-a:test");
    room.append({ type: "m.room.join_rules", sender: "@kb-a:test", stateKey: "", content: { join_rule: "knock" } });
    const knock = room.member("@kb-b:test", "knock");
    await project(room.entries);
    const first = await buildSync(env.DB, { userId: "@kb-b:test", now: 0 });
    if (!first.ok) throw new Error("sync failed");
    const knockSection = (first.value.body["rooms"] as { knock: Record<string, { knock_state: { events: { type: string; state_key?: string }[] } }> }).knock[room.roomId]!;
    expect(knockSection.knock_state.events.map((e) => e.type)).toEqual(expect.arrayContaining(["m.room.create", "m.room.join_rules", "m.room.member"]));
    expect(knock.seq).toBe(5);
    const ban = room.append({ type: "m.room.member", sender: "@kb-a:test", stateKey: "@kb-b:test", content: { membership: "ban" } });
    await project([ban]);
    const next = await sync({ userId: "@kb-b:test", since: first.value.body["next_batch"] as string });
    const rooms = next.body.rooms as unknown as { knock: object; leave: Record<string, Section> };
    expect(rooms.knock).toEqual({});
    expect(rooms.leave[room.roomId]!.timeline.events.map((e) => e.event_id)).toEqual([ban.eventId]);
    const after = await sync({ userId: "@kb-b:test", since: next.body.next_batch });
    expect(after.empty).toBe(true);
  });
});

describe("use_state_after", () => {
  it("state_after is the state at the timeline's end: everything on a fresh room, every changed key since the token after", async () => {
    const room = logs.room("!stateafter:test").create("@sa:test");
    const topic = room.append({ type: "m.room.topic", sender: "@sa:test", stateKey: "", content: { topic: "one" } });
    await project(room.entries);
    const first = await sync({ userId: "@sa:test", useStateAfter: true });
    const fresh = first.body.rooms.join[room.roomId] as unknown as Record<string, { events: Event[] }>;
    expect(fresh["state"]).toBeUndefined();
    expect(fresh["state_after"]!.events.map((e) => e.event_id).sort()).toEqual([...room.entries.map((e) => e.eventId)].sort());
    const topic2 = room.append({ type: "m.room.topic", sender: "@sa:test", stateKey: "", content: { topic: "two" } });
    const msg = room.message("@sa:test", "after");
    await project([topic2, msg]);
    const next = await sync({ userId: "@sa:test", useStateAfter: true, since: first.body.next_batch });
    const section = next.body.rooms.join[room.roomId] as unknown as Record<string, { events: Event[] }>;
    expect(section["timeline"]!.events.map((e) => e.event_id)).toEqual([topic2.eventId, msg.eventId]);
    expect(section["state_after"]!.events.map((e) => e.event_id)).toEqual([topic2.eventId]);
    expect(topic.eventId).not.toBe(topic2.eventId);
  });
});

describe("extra sections from other streams", () => {
  it("a joined room with only extra news (ephemeral, say) is sent with it; others stay out", async () => {
    const room = logs.room("!extra:test").create("@ex:test");
    const quietRoom = logs.room("!extraquiet:test").create("@ex:test");
    await project([...room.entries, ...quietRoom.entries]);
    const first = await sync({ userId: "@ex:test" });
    const since = Number(first.body.next_batch.slice(1).split("_")[0]);
    const snapshot = await readSyncSnapshot(env.DB, "@ex:test", since, 0);
    const sections = await buildRoomSections({
      db: env.DB,
      userId: "@ex:test",
      deviceId: undefined,
      now: 0,
      filter: undefined,
      fullState: false,
      useStateAfter: false,
      limit: 10,
      position: snapshot.position,
      since,
      accountPosition: snapshot.accountPosition,
      memberships: snapshot.memberships,
      joinedAtSince: snapshot.joinedAtSince,
      movedRooms: snapshot.movedRooms,
      accountData: { global: [], rooms: new Map() },
      visible: snapshot.visible,
      hiddenLeftRooms: new Set(),
      extraSections: new Map([[room.roomId, { ephemeral: { events: [{ type: "m.typing", content: { user_ids: [] } }] } }]]),
    });
    expect(Object.keys(sections.join)).toEqual([room.roomId]);
    expect(sections.join[room.roomId]).toMatchObject({
      timeline: { events: [] },
      ephemeral: { events: [{ type: "m.typing" }] },
      unread_notifications: { notification_count: 0, highlight_count: 0 },
    });
  });
});
