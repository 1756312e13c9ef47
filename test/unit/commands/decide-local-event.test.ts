// decide for SendEvent, SetState, Membership and Redact: prev/auth events, depth, auth rejections and no-ops.
import { describe, expect, it } from "vitest";
import { roomIdForCreateRoom } from "../../../src/commands/create-room-plan";
import { decide } from "../../../src/commands/decide";
import type { CreateRoom, RoomCommand } from "../../../src/commands/room-command";
import { stateKeyString } from "../../../src/protocol/pdu";
import { ctxAt, MemoryRoom, SERVER } from "./memory-room";

const ALICE = `@alice:${SERVER}`;
const BOB = `@bob:${SERVER}`;
const EVE = `@eve:${SERVER}`;

function newRoom(version: string, extra: Partial<CreateRoom> = {}): MemoryRoom {
  const base = { _tag: "CreateRoom", v: 1, roomVersion: version, createTs: 1_700_000_000_000, sender: ALICE, ...extra } as const;
  const roomId = roomIdForCreateRoom({ ...base, roomId: `!r${version}:${SERVER}` });
  if (!roomId.ok) throw new Error("no room ID");
  const room = new MemoryRoom();
  room.must({ ...base, roomId: roomId.value });
  return room;
}

const roomIdOf = (room: MemoryRoom) => room.view!.roomId;
const send = (room: MemoryRoom, sender: string, body: string, txnId?: string): RoomCommand => ({
  _tag: "SendEvent",
  v: 1,
  roomId: roomIdOf(room),
  sender,
  deviceId: "DEV",
  ...(txnId === undefined ? {} : { txnId }),
  type: "m.room.message",
  content: { msgtype: "m.text", body },
});
const member = (room: MemoryRoom, sender: string, action: "join" | "invite" | "leave" | "ban" | "unban" | "kick" | "knock", target?: string, reason?: string): RoomCommand => ({
  _tag: "Membership",
  v: 1,
  roomId: roomIdOf(room),
  sender,
  action,
  ...(target === undefined ? {} : { target }),
  ...(reason === undefined ? {} : { reason }),
});
const tagOf = (r: ReturnType<MemoryRoom["run"]>) => (r.ok ? "ok" : r.error._tag);
const membershipOf = (room: MemoryRoom, user: string) => room.stateEvent("m.room.member", user)?.event.pdu.content["membership"];

describe("decide for local events", () => {
  it("a message extends the chain: prev_events are the forward extremities, depth one more, auth events selected", () => {
    const room = newRoom("11", { preset: "public_chat" });
    const head = room.view!.forwardExtremities[0]!;
    const headDepth = room.event(head)!.event.pdu.depth;
    const d = room.must(send(room, ALICE, "hello", "t1"));
    const e = d.events[0]!;
    expect(e.event.pdu.prev_events).toEqual([head]);
    expect(e.event.pdu.depth).toBe(headDepth + 1);
    const state = room.view!.currentState;
    expect(e.event.pdu.auth_events).toEqual([
      state.get(stateKeyString("m.room.create", "")),
      state.get(stateKeyString("m.room.power_levels", "")),
      state.get(stateKeyString("m.room.member", ALICE)),
    ]);
    expect(e.txn).toEqual({ userId: ALICE, deviceId: "DEV", txnId: "t1" });
    expect(e.stateDelta).toEqual({ added: [], removed: [] });
    expect(room.view!.forwardExtremities).toEqual([e.event.eventId]);
  });

  it("rejects a sender who is not joined (Forbidden, naming the rule) and an unknown room (NotFound)", () => {
    const room = newRoom("12");
    const r = room.run(send(room, EVE, "hi"));
    expect(r.ok ? undefined : r.error).toMatchObject({ _tag: "Forbidden", rule: expect.any(String) });
    expect(tagOf(decide(send(room, ALICE, "x"), undefined, ctxAt(1)))).toBe("NotFound");
    expect(tagOf(decide({ ...send(room, ALICE, "x"), roomId: "!other:hs.test" } as RoomCommand, room.view, ctxAt(1)))).toBe("NotFound");
    expect(tagOf(room.run(send(room, "@alice:elsewhere.test", "x")))).toBe("BadRequest");
    expect(tagOf(room.run({ ...send(room, ALICE, "x"), content: { n: 1.5 } } as RoomCommand))).toBe("BadRequest");
  });

  it("SetState: sets state with a delta naming the replaced event; an identical repeat is a no-op", () => {
    const room = newRoom("10");
    const cmd: RoomCommand = { _tag: "SetState", v: 1, roomId: roomIdOf(room), sender: ALICE, type: "m.room.topic", stateKey: "", content: { topic: "a" } };
    const first = room.must(cmd).events[0]!;
    expect(first.stateDelta).toEqual({ added: [{ type: "m.room.topic", stateKey: "", eventId: first.event.eventId }], removed: [] });
    const again = room.must(cmd);
    expect(again.events).toEqual([]);
    expect(again.eventId).toBe(first.event.eventId);
    const second = room.must({ ...cmd, content: { topic: "b" } }).events[0]!;
    expect(second.stateDelta.removed).toEqual([{ type: "m.room.topic", stateKey: "", eventId: first.event.eventId }]);
    // Bob is not in the room; a member without power is refused by the power rule.
    expect(tagOf(room.run({ ...cmd, sender: BOB }))).toBe("Forbidden");
  });

  it("membership: invite, join, kick, ban, unban, leave, each with its reason", () => {
    const room = newRoom("11");
    expect(tagOf(room.run(member(room, BOB, "join")))).toBe("Forbidden"); // invite-only
    room.must(member(room, ALICE, "invite", BOB));
    expect(membershipOf(room, BOB)).toBe("invite");
    room.must(member(room, BOB, "join"));
    expect(membershipOf(room, BOB)).toBe("join");
    room.must(member(room, ALICE, "kick", BOB, "spam"));
    expect(room.stateEvent("m.room.member", BOB)!.event.pdu.content).toEqual({ membership: "leave", reason: "spam" });
    room.must(member(room, ALICE, "ban", BOB, "more spam"));
    expect(membershipOf(room, BOB)).toBe("ban");
    expect(tagOf(room.run(member(room, ALICE, "invite", BOB)))).toBe("Forbidden"); // banned users cannot be invited
    room.must(member(room, ALICE, "unban", BOB));
    expect(membershipOf(room, BOB)).toBe("leave");
    room.must(member(room, ALICE, "invite", BOB));
    room.must(member(room, BOB, "join"));
    expect(tagOf(room.run(member(room, BOB, "kick", ALICE)))).toBe("Forbidden"); // no power
    room.must(member(room, BOB, "leave"));
    expect(membershipOf(room, BOB)).toBe("leave");
    expect(tagOf(room.run(member(room, ALICE, "invite")))).toBe("BadRequest");
  });

  it("knock: allowed in a knock room (v7+)", () => {
    const room = newRoom("11", { initialState: [{ type: "m.room.join_rules", content: { join_rule: "knock" } }] });
    room.must(member(room, BOB, "knock", undefined, "let me in"));
    expect(room.stateEvent("m.room.member", BOB)!.event.pdu.content).toEqual({ membership: "knock", reason: "let me in" });
  });

  it("redaction: own events freely, others' only with the redact level; v11 puts redacts in content", () => {
    for (const version of ["10", "11"]) {
      const room = newRoom(version, { preset: "public_chat" });
      room.must(member(room, BOB, "join"));
      const mine = room.must(send(room, BOB, "oops")).eventId;
      const alices = room.must(send(room, ALICE, "hello")).eventId;
      const redact = (sender: string, redacts: string): RoomCommand => ({ _tag: "Redact", v: 1, roomId: roomIdOf(room), sender, redacts, reason: "r", txnId: "x" });
      const r = room.must(redact(BOB, mine)).events[0]!.event.pdu;
      if (version === "11") {
        expect(r.content).toEqual({ redacts: mine, reason: "r" });
        expect(r.redacts).toBeUndefined();
      } else {
        expect(r.redacts).toBe(mine);
        expect(r.content).toEqual({ reason: "r" });
      }
      expect(room.run(redact(BOB, alices))).toMatchObject({ ok: false, error: { _tag: "Forbidden", rule: "redact" } });
      room.must(redact(ALICE, mine));
      expect(tagOf(room.run(redact(ALICE, "$unknown")))).toBe("NotFound");
    }
  });
});
