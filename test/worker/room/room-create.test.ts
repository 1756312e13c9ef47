// The room DO creates rooms of v10, v11 and v12: the initial events in order, one seq each, all accepted.
import { describe, expect, it } from "vitest";
import { roomIdFromCreateEvent } from "../../../src/protocol/event-id";
import type { JsonObject } from "../../../src/protocol/json-value";
import { roomVersionRules } from "../../../src/protocol/room-versions";
import { ALICE, allEntries, currentStateMap, newRoom, stub, user } from "./room-fixtures";

describe("room DO: createRoom", () => {
  for (const version of ["10", "11", "12"]) {
    it(`v${version}: appends the initial events in order with dense seqs and a matching current state`, async () => {
      const bob = user("bob");
      const roomId = await newRoom(version, { preset: "public_chat", name: "Room", topic: "T", invite: [bob], isDirect: true });
      const entries = await allEntries(roomId);
      expect(entries.map((e) => [e.event["type"], e.event["state_key"]])).toEqual([
        ["m.room.create", ""],
        ["m.room.member", ALICE],
        ["m.room.power_levels", ""],
        ["m.room.join_rules", ""],
        ["m.room.history_visibility", ""],
        ["m.room.guest_access", ""],
        ["m.room.name", ""],
        ["m.room.topic", ""],
        ["m.room.member", bob],
      ]);
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      for (const e of entries) {
        expect(e).toMatchObject({ v: 1, roomId, roomVersion: version, status: "accepted" });
        expect(e.stateDelta.added).toEqual([{ type: e.event["type"], stateKey: e.event["state_key"], eventId: e.eventId }]);
      }
      const create = entries[0]!;
      if (version === "12") {
        expect(create.event["room_id"]).toBeUndefined();
        expect(roomId).toBe(`!${create.eventId.slice(1)}`);
        expect(roomIdFromCreateEvent(roomVersionRules("12")!, create.event as JsonObject)).toBe(roomId);
      } else {
        expect(create.event["room_id"]).toBe(roomId);
      }
      expect(entries[8]!.event["content"]).toEqual({ membership: "invite", is_direct: true });
      const state = await currentStateMap(roomId);
      expect(state.size).toBe(9);
      expect(new Set(state.values())).toEqual(new Set(entries.map((e) => e.eventId)));
      const info = await stub(roomId).getRoomInfo();
      expect(info).toEqual({ roomId, roomVersion: version, lastSeq: 9, forwardExtremities: [entries[8]!.eventId] });
      // The state before the name event is everything before it; after it, the name too.
      const before = await stub(roomId).getStateAt(entries[6]!.eventId, "before");
      const after = await stub(roomId).getStateAt(entries[6]!.eventId, "after");
      expect(before!.entries.length).toBe(6);
      expect(after!.entries.length).toBe(7);
    });
  }

  it("refuses a second createRoom for a room it already holds", async () => {
    const roomId = await newRoom("11");
    const before = await allEntries(roomId);
    const create = before[0]!;
    const again = await stub(roomId).submit({
      _tag: "CreateRoom",
      v: 1,
      roomId,
      roomVersion: "11",
      createTs: create.event["origin_server_ts"] as number,
      sender: ALICE,
    });
    expect(again).toMatchObject({ ok: false, error: { _tag: "RoomExists" } });
    expect(await allEntries(roomId)).toEqual(before);
  });

  it("rejects an unsupported room version and a malformed command", async () => {
    const r = await stub("!nowhere:localhost").submit({ _tag: "CreateRoom", v: 1, roomId: "!nowhere:localhost", roomVersion: "2", createTs: 1, sender: ALICE });
    expect(r).toMatchObject({ ok: false, error: { _tag: "UnsupportedRoomVersion" } });
    const bad = await stub("!nowhere:localhost").submit({ _tag: "Nonsense" } as never);
    expect(bad).toMatchObject({ ok: false, error: { _tag: "BadRequest" } });
  });
});
