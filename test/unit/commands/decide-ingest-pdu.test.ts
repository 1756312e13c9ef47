// decide(IngestPdu): remote events accepted, rejected or soft-failed, and forks merged by state resolution.
import { describe, expect, it } from "vitest";
import { roomIdForCreateRoom } from "../../../src/commands/create-room-plan";
import type { RoomCommand } from "../../../src/commands/room-command";
import type { JsonObject } from "../../../src/protocol/json-value";
import { stateKeyString, type RoomEvent } from "../../../src/protocol/pdu";
import { MemoryRoom, SERVER } from "./memory-room";
import { remoteEvent, type RemoteSpec } from "./remote-event";

const ALICE = `@alice:${SERVER}`;
const BOB = "@bob:remote.test";
const MALLORY = "@mallory:remote.test";
const T0 = 1_800_000_000_000;

function publicRoom(version: string): MemoryRoom {
  const base = {
    _tag: "CreateRoom",
    v: 1,
    roomVersion: version,
    createTs: 1_700_000_000_000,
    sender: ALICE,
    preset: "public_chat",
    powerLevelContentOverride: { events: { "m.room.topic": 0 } },
  } as const;
  const roomId = roomIdForCreateRoom({ ...base, roomId: `!fork${version}:${SERVER}` });
  if (!roomId.ok) throw new Error("no room ID");
  const room = new MemoryRoom();
  room.must({ ...base, roomId: roomId.value });
  return room;
}

function remote(room: MemoryRoom, spec: Omit<RemoteSpec, "state" | "prevEvents"> & { prev?: readonly string[] }): RoomEvent {
  const view = room.view!;
  const prev = spec.prev ?? view.forwardExtremities;
  const [first] = prev;
  const state = prev.length === 1 && first !== undefined ? view.stateAfter(first)! : view.currentState;
  return remoteEvent(view.rules, view.roomId, { ...spec, prevEvents: prev.map((id) => room.event(id)!.event), state });
}

const ingest = (room: MemoryRoom, event: RoomEvent): RoomCommand => ({
  _tag: "IngestPdu",
  v: 1,
  roomId: room.view!.roomId,
  pdu: event.pdu as unknown as JsonObject,
});
const topicOf = (room: MemoryRoom) => room.stateEvent("m.room.topic")?.event.pdu.content["topic"];

describe("decide(IngestPdu)", () => {
  for (const version of ["10", "11", "12"]) {
    it(`v${version}: a fork is merged into the current state by state resolution`, () => {
      const room = publicRoom(version);
      const join = remote(room, { type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: "join" }, ts: T0 });
      const joined = room.must(ingest(room, join)).events[0]!;
      expect(joined.status).toBe("accepted");
      expect(joined.stateDelta.added).toEqual([{ type: "m.room.member", stateKey: BOB, eventId: join.eventId }]);

      // Alice sets a topic locally while Bob, concurrently and later, sets another on the same parent.
      const local = room.must({ _tag: "SetState", v: 1, roomId: room.view!.roomId, sender: ALICE, type: "m.room.topic", stateKey: "", content: { topic: "B" } });
      const theirs = remote(room, { type: "m.room.topic", sender: BOB, stateKey: "", content: { topic: "A" }, ts: T0 + 10_000_000, prev: [join.eventId] });
      const merged = room.must(ingest(room, theirs)).events[0]!;
      expect(merged.status).toBe("accepted");
      expect(merged.stateBefore.get(stateKeyString("m.room.topic", ""))).toBeUndefined();
      expect(new Set(room.view!.forwardExtremities)).toEqual(new Set([local.eventId, theirs.eventId]));
      // Same power levels in both branches: the later topic wins the mainline ordering.
      expect(topicOf(room)).toBe("A");
      expect(merged.stateDelta).toEqual({
        added: [{ type: "m.room.topic", stateKey: "", eventId: theirs.eventId }],
        removed: [{ type: "m.room.topic", stateKey: "", eventId: local.eventId }],
      });

      // The next local event joins the branches.
      const next = room.must({ _tag: "SendEvent", v: 1, roomId: room.view!.roomId, sender: ALICE, type: "m.room.message", content: { body: "hi" } }).events[0]!;
      expect(new Set(next.event.pdu.prev_events)).toEqual(new Set([local.eventId, theirs.eventId]));
      expect(next.event.pdu.depth).toBe(Math.max(room.event(local.eventId)!.event.pdu.depth, theirs.pdu.depth) + 1);
      expect(room.view!.forwardExtremities).toEqual([next.event.eventId]);
    });
  }

  it("an earlier concurrent topic loses to the current one", () => {
    const room = publicRoom("11");
    const join = remote(room, { type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: "join" }, ts: T0 });
    room.must(ingest(room, join));
    room.must({ _tag: "SetState", v: 1, roomId: room.view!.roomId, sender: ALICE, type: "m.room.topic", stateKey: "", content: { topic: "B" } });
    const theirs = remote(room, { type: "m.room.topic", sender: BOB, stateKey: "", content: { topic: "A" }, ts: 1_000, prev: [join.eventId] });
    const d = room.must(ingest(room, theirs)).events[0]!;
    expect(d.status).toBe("accepted");
    expect(topicOf(room)).toBe("B");
    expect(d.stateDelta).toEqual({ added: [], removed: [] });
  });

  it("rejects what its auth events do not allow, soft-fails what the current state no longer allows", () => {
    const room = publicRoom("12");
    const join = remote(room, { type: "m.room.member", sender: BOB, stateKey: BOB, content: { membership: "join" }, ts: T0 });
    room.must(ingest(room, join));
    const stranger = remote(room, { type: "m.room.message", sender: MALLORY, content: { body: "spam" }, ts: T0 + 1 });
    const rejected = room.must(ingest(room, stranger));
    expect(rejected.events[0]).toMatchObject({ status: "rejected", rule: expect.any(String), stateDelta: { added: [], removed: [] } });
    expect(room.view!.forwardExtremities).toEqual([join.eventId]);

    room.must({ _tag: "Membership", v: 1, roomId: room.view!.roomId, sender: ALICE, action: "ban", target: BOB });
    const late = remote(room, { type: "m.room.message", sender: BOB, content: { body: "before the ban, as I saw it" }, ts: T0 + 2, prev: [join.eventId] });
    const soft = room.must(ingest(room, late)).events[0]!;
    expect(soft.status).toBe("soft_failed");
    expect(room.view!.forwardExtremities).not.toContain(late.eventId);

    // A second delivery changes nothing; a PDU on unknown events asks for them.
    const again = room.must(ingest(room, late));
    expect(again.events).toEqual([]);
    expect(again.eventId).toBe(late.eventId);
    const orphan = { ...late.pdu, prev_events: ["$unknown"] } as unknown as JsonObject;
    const missing = room.run({ _tag: "IngestPdu", v: 1, roomId: room.view!.roomId, pdu: orphan });
    expect(missing).toMatchObject({ ok: false, error: { _tag: "MissingEvents", eventIds: ["$unknown"] } });
  });
});
