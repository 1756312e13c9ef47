// IngestPdu through the room DO: a remote fork merged by state resolution, soft-failing, and the reads federation needs.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/protocol/json-value";
import { stateKeyString, type RoomEvent } from "../../../src/protocol/pdu";
import { roomVersionRules } from "../../../src/protocol/room-versions";
import { remoteEvent } from "../../unit/commands/remote-event";
import { ALICE, allEntries, currentStateMap, message, mustSubmit, newRoom, stub } from "./room-fixtures";

const BOB = "@bob:remote.test";
const T0 = Date.now() + 60_000;

async function held(roomId: string, eventId: string): Promise<RoomEvent> {
  const logged = await stub(roomId).getEvent(eventId);
  if (logged === undefined) throw new Error(`no event ${eventId}`);
  return { eventId: logged.eventId, pdu: logged.event };
}

async function stateAfter(roomId: string, eventId: string): Promise<Map<string, string>> {
  const snapshot = await stub(roomId).getStateAt(eventId, "after");
  return new Map(snapshot!.entries.map((e) => [stateKeyString(e.type, e.stateKey), e.eventId]));
}

async function remote(roomId: string, version: string, prev: string, spec: { type: string; stateKey?: string; content: JsonObject; ts: number }) {
  return remoteEvent(roomVersionRules(version)!, roomId, {
    ...spec,
    sender: BOB,
    prevEvents: [await held(roomId, prev)],
    state: await stateAfter(roomId, prev),
  });
}

const ingest = (roomId: string, event: RoomEvent) =>
  stub(roomId).submit({ _tag: "IngestPdu", v: 1, roomId, pdu: event.pdu as unknown as JsonObject });

describe("room DO: IngestPdu", () => {
  for (const version of ["11", "12"]) {
    it(`v${version}: a remote branch is merged with the local one by state resolution`, async () => {
      const roomId = await newRoom(version, { preset: "public_chat", powerLevelContentOverride: { events: { "m.room.topic": 0 } } });
      const head = (await stub(roomId).getRoomInfo())!.forwardExtremities[0]!;
      const join = await remote(roomId, version, head, { type: "m.room.member", stateKey: BOB, content: { membership: "join" }, ts: T0 });
      expect(await ingest(roomId, join)).toMatchObject({ ok: true, value: { eventId: join.eventId, eventIds: [join.eventId] } });

      // Alice changes the topic here while Bob, later, changes it on the same parent over there.
      const local = await mustSubmit({ _tag: "SetState", v: 1, roomId, sender: ALICE, type: "m.room.topic", stateKey: "", content: { topic: "here" } });
      const theirs = await remote(roomId, version, join.eventId, { type: "m.room.topic", stateKey: "", content: { topic: "there" }, ts: T0 + 1000 });
      expect((await ingest(roomId, theirs)).ok).toBe(true);

      const entries = await allEntries(roomId);
      const last = entries.at(-1)!;
      expect(last).toMatchObject({ eventId: theirs.eventId, status: "accepted" });
      expect(last.stateDelta).toEqual({
        added: [{ type: "m.room.topic", stateKey: "", eventId: theirs.eventId }],
        removed: [{ type: "m.room.topic", stateKey: "", eventId: local }],
      });
      expect((await currentStateMap(roomId)).get(stateKeyString("m.room.topic", ""))).toBe(theirs.eventId);
      expect(new Set((await stub(roomId).getRoomInfo())!.forwardExtremities)).toEqual(new Set([local, theirs.eventId]));
      // The state before Bob's topic is his branch's: no topic yet.
      const before = await stub(roomId).getStateAt(theirs.eventId, "before");
      expect(before!.entries.some((e) => e.type === "m.room.topic")).toBe(false);

      // The next local event closes the fork.
      const next = await mustSubmit(message(roomId, ALICE, "merged"));
      const nextEvent = await held(roomId, next);
      expect(new Set(nextEvent.pdu.prev_events)).toEqual(new Set([local, theirs.eventId]));
      expect((await stub(roomId).getRoomInfo())!.forwardExtremities).toEqual([next]);

      // A repeat changes nothing.
      expect(await ingest(roomId, theirs)).toMatchObject({ ok: true, value: { eventId: theirs.eventId, eventIds: [] } });
      expect((await allEntries(roomId)).length).toBe(entries.length + 1);
    });
  }

  it("soft-fails an event the current state forbids and asks for unknown prev events", async () => {
    const version = "12";
    const roomId = await newRoom(version, { preset: "public_chat" });
    const head = (await stub(roomId).getRoomInfo())!.forwardExtremities[0]!;
    const join = await remote(roomId, version, head, { type: "m.room.member", stateKey: BOB, content: { membership: "join" }, ts: T0 });
    await ingest(roomId, join);
    await mustSubmit({ _tag: "Membership", v: 1, roomId, sender: ALICE, action: "ban", target: BOB });
    const late = await remote(roomId, version, join.eventId, { type: "m.room.message", content: { body: "sent before I saw the ban" }, ts: T0 + 1 });
    expect((await ingest(roomId, late)).ok).toBe(true);
    const entry = (await allEntries(roomId)).at(-1)!;
    expect(entry).toMatchObject({ eventId: late.eventId, status: "soft_failed", rule: expect.any(String) });
    expect((await stub(roomId).getRoomInfo())!.forwardExtremities).not.toContain(late.eventId);

    const orphan = { ...late.pdu, prev_events: ["$nope"] } as unknown as JsonObject;
    expect(await stub(roomId).submit({ _tag: "IngestPdu", v: 1, roomId, pdu: orphan })).toMatchObject({
      ok: false,
      error: { _tag: "MissingEvents", eventIds: ["$nope"] },
    });
  });
});
