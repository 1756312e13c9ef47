// decide(Membership join) with restrictedVia: the room DO names a local authoriser only when the join rules allow that room.
import { describe, expect, it } from "vitest";
import { roomIdForCreateRoom } from "../../../src/commands/create-room-plan";
import type { CreateRoom, Membership } from "../../../src/commands/room-command";
import { MemoryRoom, SERVER } from "./memory-room";

const ALICE = `@alice:${SERVER}`;
const BOB = `@bob:${SERVER}`;
const MOD = `@mod:${SERVER}`;
const REMOTE = "@remote:elsewhere.test";
const ALLOWED = `!allowed:${SERVER}`;

function restrictedRoom(version: string, joinRule: string, extra: Partial<CreateRoom> = {}): MemoryRoom {
  const base = {
    _tag: "CreateRoom",
    v: 1,
    roomVersion: version,
    createTs: 1_700_000_000_000,
    sender: ALICE,
    preset: "private_chat",
    initialState: [{ type: "m.room.join_rules", content: { join_rule: joinRule, allow: [{ type: "m.room_membership", room_id: ALLOWED }] } }],
    ...extra,
  } as const;
  const roomId = roomIdForCreateRoom({ ...base, roomId: `!r${version}:${SERVER}` });
  if (!roomId.ok) throw new Error("no room ID");
  const room = new MemoryRoom();
  room.must({ ...base, roomId: roomId.value });
  return room;
}

const join = (room: MemoryRoom, sender: string, restrictedVia?: string): Membership => ({
  _tag: "Membership",
  v: 1,
  roomId: room.view!.roomId,
  sender,
  action: "join",
  ...(restrictedVia === undefined ? {} : { restrictedVia }),
});
const contentOf = (room: MemoryRoom, user: string) => room.stateEvent("m.room.member", user)?.event.pdu.content;
const tagOf = (r: ReturnType<MemoryRoom["run"]>) => (r.ok ? "ok" : r.error._tag);

describe("decide: restricted joins", () => {
  for (const [version, joinRule] of [["8", "restricted"], ["10", "knock_restricted"], ["12", "restricted"]] as const) {
    it(`v${version} ${joinRule}: an allowed room vouched for gets a local authoriser; none refuses`, () => {
      const room = restrictedRoom(version, joinRule);
      expect(tagOf(room.run(join(room, BOB)))).toBe("Forbidden");
      room.must(join(room, BOB, ALLOWED));
      expect(contentOf(room, BOB)).toEqual({ membership: "join", join_authorised_via_users_server: ALICE });
    });
  }

  it("a room the join rules do not allow gets no authoriser, so the auth rules refuse", () => {
    const room = restrictedRoom("10", "restricted");
    const result = room.run(join(room, BOB, `!other:${SERVER}`));
    expect(tagOf(result)).toBe("Forbidden");
  });

  it("picks the most powerful local member with the invite level, never a remote one", () => {
    const room = restrictedRoom("10", "restricted", {
      invite: [MOD],
      powerLevelContentOverride: { users: { [ALICE]: 100, [MOD]: 60, [REMOTE]: 100 }, invite: 50 },
    });
    room.must(join(room, MOD));
    room.must(join(room, BOB, ALLOWED));
    expect(contentOf(room, BOB)?.["join_authorised_via_users_server"]).toBe(ALICE);
    // With Alice gone, the moderator is the one local member left who may invite.
    room.must({ ...join(room, ALICE), action: "leave" });
    room.must({ ...join(room, BOB), action: "leave" });
    room.must(join(room, BOB, ALLOWED));
    expect(contentOf(room, BOB)?.["join_authorised_via_users_server"]).toBe(MOD);
  });

  it("an invited user joins without an authoriser; no member able to invite refuses", () => {
    const invited = restrictedRoom("10", "restricted", { invite: [BOB] });
    invited.must(join(invited, BOB, ALLOWED));
    expect(contentOf(invited, BOB)).toEqual({ membership: "join" });

    const closed = restrictedRoom("10", "restricted", { powerLevelContentOverride: { invite: 101 } });
    const refused = closed.run(join(closed, BOB, ALLOWED));
    expect(refused.ok ? "ok" : refused.error).toMatchObject({ _tag: "Forbidden", rule: "restricted" });
  });

  it("a public room ignores restrictedVia", () => {
    const room = restrictedRoom("10", "restricted", { initialState: [{ type: "m.room.join_rules", content: { join_rule: "public" } }] });
    room.must(join(room, BOB, ALLOWED));
    expect(contentOf(room, BOB)).toEqual({ membership: "join" });
  });
});
