// decide(CreateRoom): the spec's event order, presets, power levels per room version, and each event valid on receipt.
import { describe, expect, it } from "vitest";
import { roomIdForCreateRoom } from "../../../src/commands/create-room-plan";
import { decide } from "../../../src/commands/decide";
import type { CreateRoom } from "../../../src/commands/room-command";
import type { Decision } from "../../../src/commands/room-decision";
import { roomIdFromCreateEvent } from "../../../src/protocol/event-id";
import type { JsonObject } from "../../../src/protocol/json-value";
import { roomVersionRules } from "../../../src/protocol/room-versions";
import { expectValidOnReceipt } from "./valid-on-receipt";
import { ctxAt, MemoryRoom, SERVER } from "./memory-room";

const ALICE = `@alice:${SERVER}`;
const BOB = `@bob:${SERVER}`;
const CAROL = "@carol:remote.test";
const TS = 1_700_000_000_000;

function command(version: string, extra: Partial<CreateRoom> = {}): CreateRoom {
  const base = { _tag: "CreateRoom", v: 1, roomVersion: version, createTs: TS, sender: ALICE, ...extra } as const;
  const roomId = roomIdForCreateRoom({ ...base, roomId: extra.roomId ?? `!abc${version}:${SERVER}` });
  if (!roomId.ok) throw new Error(JSON.stringify(roomId.error));
  return { ...base, roomId: roomId.value };
}

function created(cmd: CreateRoom): Decision {
  const result = decide(cmd, undefined, ctxAt(TS + 5));
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const summary = (d: Decision) => d.events.map((e) => [e.event.pdu.type, e.event.pdu.state_key]);

describe("decide(CreateRoom)", () => {
  for (const version of ["10", "11", "12"]) {
    it(`v${version}: sends the initial events in the spec's order, each valid on receipt`, () => {
      const d = created(command(version, { preset: "public_chat", name: "Pub", topic: "Beer", canonicalAlias: `#pub:${SERVER}`, invite: [BOB] }));
      expect(summary(d)).toEqual([
        ["m.room.create", ""],
        ["m.room.member", ALICE],
        ["m.room.power_levels", ""],
        ["m.room.canonical_alias", ""],
        ["m.room.join_rules", ""],
        ["m.room.history_visibility", ""],
        ["m.room.guest_access", ""],
        ["m.room.name", ""],
        ["m.room.topic", ""],
        ["m.room.member", BOB],
      ]);
      expectValidOnReceipt(d);
      // A linear chain: each event's only prev event is the one before it.
      d.events.forEach((e, i) => {
        expect(e.event.pdu.depth).toBe(i + 1);
        expect(e.event.pdu.prev_events).toEqual(i === 0 ? [] : [d.events[i - 1]!.event.eventId]);
        expect(e.status).toBe("accepted");
      });
      expect(d.forwardExtremities).toEqual([d.events.at(-1)!.event.eventId]);
      expect(d.events[4]!.event.pdu.content).toEqual({ join_rule: "public" });
      expect(d.events[6]!.event.pdu.content).toEqual({ guest_access: "forbidden" });
      expect(d.events[8]!.event.pdu.content["topic"]).toBe("Beer");
    });
  }

  it("v12: the room ID is the create event's reference hash and the create event has no room_id", () => {
    const cmd = command("12");
    const d = created(cmd);
    const create = d.events[0]!.event;
    expect(create.pdu.room_id).toBeUndefined();
    expect(roomIdFromCreateEvent(roomVersionRules("12")!, create.pdu as unknown as JsonObject)).toBe(cmd.roomId);
    expect(d.roomId).toBe(cmd.roomId);
    expect(create.eventId).toBe(`$${cmd.roomId.slice(1)}`);
    expect(create.pdu.content).toEqual({ room_version: "12" });
    // No event cites the create event from v12; creators are absent from users.
    for (const e of d.events.slice(1)) expect(e.event.pdu.auth_events).not.toContain(create.eventId);
    const pl = d.events[2]!.event.pdu.content;
    expect(pl["users"]).toEqual({});
    expect((pl["events"] as JsonObject)["m.room.tombstone"]).toBe(150);
  });

  it("v10: the creator is named in the create event and has power level 100", () => {
    const d = created(command("10"));
    expect(d.events[0]!.event.pdu.content).toEqual({ creator: ALICE, room_version: "10" });
    expect(d.events[0]!.event.pdu.room_id).toBe(`!abc10:${SERVER}`);
    expect(d.events[2]!.event.pdu.content["users"]).toEqual({ [ALICE]: 100 });
    expect(d.events[1]!.event.pdu.auth_events).toContain(d.events[0]!.event.eventId);
  });

  it("private_chat by default: invite-only, shared history, guests can join, members may invite", () => {
    const d = created(command("11"));
    const content = (type: string) => d.events.find((e) => e.event.pdu.type === type)!.event.pdu.content;
    expect(content("m.room.join_rules")).toEqual({ join_rule: "invite" });
    expect(content("m.room.history_visibility")).toEqual({ history_visibility: "shared" });
    expect(content("m.room.guest_access")).toEqual({ guest_access: "can_join" });
    expect(content("m.room.power_levels")["invite"]).toBe(0);
    expect(created(command("11", { visibility: "public" })).events.find((e) => e.event.pdu.type === "m.room.join_rules")!.event.pdu.content).toEqual({
      join_rule: "public",
    });
  });

  it("initial_state overrides the preset, name and topic override initial_state, invites carry is_direct", () => {
    const d = created(
      command("11", {
        initialState: [
          { type: "m.room.join_rules", content: { join_rule: "public" } },
          { type: "m.room.name", content: { name: "ignored" } },
          { type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } },
        ],
        name: "Real",
        invite: [BOB, CAROL],
        isDirect: true,
      }),
    );
    expect(summary(d).map(([t]) => t)).toEqual([
      "m.room.create",
      "m.room.member",
      "m.room.power_levels",
      "m.room.history_visibility",
      "m.room.guest_access",
      "m.room.join_rules",
      "m.room.encryption",
      "m.room.name",
      "m.room.member",
      "m.room.member",
    ]);
    expect(d.events[7]!.event.pdu.content).toEqual({ name: "Real" });
    expect(d.events[8]!.event.pdu.content).toEqual({ membership: "invite", is_direct: true });
    expect(d.events[9]!.event.pdu.state_key).toBe(CAROL);
    expectValidOnReceipt(d);
  });

  it("trusted_private_chat: invitees get the creator's power (v11) or become additional creators (v12)", () => {
    const v11 = created(command("11", { preset: "trusted_private_chat", invite: [BOB] }));
    expect(v11.events[2]!.event.pdu.content["users"]).toEqual({ [ALICE]: 100, [BOB]: 100 });
    const v12 = created(command("12", { preset: "trusted_private_chat", invite: [BOB], creationContent: { additional_creators: [CAROL, BOB] } }));
    expect(v12.events[0]!.event.pdu.content["additional_creators"]).toEqual([CAROL, BOB]);
    expect(v12.events[2]!.event.pdu.content["users"]).toEqual({});
    expectValidOnReceipt(v12);
  });

  it("never invites the creator, and invites each user once", () => {
    const d = created(command("11", { invite: [ALICE, BOB, BOB] }));
    expect(d.events.filter((e) => e.event.pdu.content["membership"] === "invite").map((e) => e.event.pdu.state_key)).toEqual([BOB]);
  });

  it("power_level_content_override is applied on top of the defaults", () => {
    const d = created(command("11", { powerLevelContentOverride: { events_default: 10, users: { [ALICE]: 100, [BOB]: 50 } } }));
    const pl = d.events[2]!.event.pdu.content;
    expect(pl["events_default"]).toBe(10);
    expect(pl["users"]).toEqual({ [ALICE]: 100, [BOB]: 50 });
    expect(pl["state_default"]).toBe(50);
  });

  it("refuses what it cannot create", () => {
    const refuse = (cmd: CreateRoom, view = undefined as Parameters<typeof decide>[1]) => {
      const r = decide(cmd, view, ctxAt(TS));
      return r.ok ? "ok" : r.error._tag;
    };
    expect(refuse({ ...command("11"), roomVersion: "1" })).toBe("UnsupportedRoomVersion");
    expect(refuse({ ...command("11"), roomVersion: "99" })).toBe("UnsupportedRoomVersion");
    expect(refuse({ ...command("12"), roomId: "!wrong" })).toBe("BadRequest");
    expect(refuse({ ...command("11"), roomId: "!abc:elsewhere.test" })).toBe("BadRequest");
    expect(refuse({ ...command("11"), sender: "@eve:elsewhere.test" })).toBe("BadRequest");
    expect(refuse(command("11", { initialState: [{ type: "m.room.create", content: {} }] }))).toBe("BadRequest");
    expect(refuse(command("11", { creationContent: { x: 1.5 } }))).toBe("BadRequest");
    // The creator (100) may not require 200 for power levels: the initial state is invalid.
    const invalid = decide(command("11", { powerLevelContentOverride: { users: { [ALICE]: 10 }, state_default: 50 } }), undefined, ctxAt(TS));
    expect(invalid.ok ? "ok" : invalid.error._tag).toBe("InvalidRoomState");
    const room = new MemoryRoom();
    room.must(command("11"));
    expect(refuse(command("11"), room.view)).toBe("RoomExists");
  });
});
