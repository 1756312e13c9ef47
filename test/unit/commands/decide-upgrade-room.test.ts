// decide(CreateRoom) for a room upgrade: predecessor, copied state, power levels per version, each event valid on receipt.
import { describe, expect, it } from "vitest";
import { roomIdForCreateRoom } from "../../../src/commands/create-room-plan";
import { decide } from "../../../src/commands/decide";
import type { CreateRoom } from "../../../src/commands/room-command";
import type { Decision } from "../../../src/commands/room-decision";
import { expectValidOnReceipt } from "./valid-on-receipt";
import { ctxAt, SERVER } from "./memory-room";

const ALICE = `@alice:${SERVER}`;
const BOB = `@bob:${SERVER}`;
const CAROL = `@carol:${SERVER}`;
const TS = 1_700_000_000_000;
const OLD_ROOM = `!old:${SERVER}`;

const OLD_LEVELS = {
  users: { [ALICE]: 50, [BOB]: 100 },
  users_default: 0,
  events: { "m.room.encryption": 100, "m.room.tombstone": 50 },
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
};

const COPIED = [
  { type: "m.room.name", content: { name: "Old name" } },
  { type: "m.room.join_rules", content: { join_rule: "public" } },
  { type: "m.room.encryption", content: { algorithm: "m.megolm.v1.aes-sha2" } },
];

function command(version: string, extra: Partial<CreateRoom> = {}): CreateRoom {
  const base = {
    _tag: "CreateRoom",
    v: 1,
    roomVersion: version,
    createTs: TS,
    sender: ALICE,
    creationContent: { predecessor: { room_id: OLD_ROOM, event_id: "$last" }, type: "m.space" },
    upgrade: { powerLevels: OLD_LEVELS, state: COPIED },
    ...extra,
  } as const;
  const roomId = roomIdForCreateRoom({ ...base, roomId: `!new${version}:${SERVER}` });
  if (!roomId.ok) throw new Error(JSON.stringify(roomId.error));
  return { ...base, roomId: roomId.value };
}

function created(cmd: CreateRoom): Decision {
  const result = decide(cmd, undefined, ctxAt(TS + 5));
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const summary = (d: Decision) => d.events.map((e) => e.event.pdu.type);

describe("decide(CreateRoom) for an upgrade", () => {
  it("v11: raises an upgrader below the copy's needs, copies the state, then restores the old levels", () => {
    const d = created(command("11"));
    expect(summary(d)).toEqual([
      "m.room.create",
      "m.room.member",
      "m.room.power_levels",
      "m.room.name",
      "m.room.join_rules",
      "m.room.encryption",
      "m.room.power_levels",
    ]);
    expectValidOnReceipt(d);
    expect(d.events[0]!.event.pdu.content).toEqual({ room_version: "11", predecessor: { room_id: OLD_ROOM, event_id: "$last" }, type: "m.space" });
    expect(d.events[2]!.event.pdu.content["users"]).toEqual({ [ALICE]: 100, [BOB]: 100 });
    expect(d.events[6]!.event.pdu.content).toEqual(OLD_LEVELS);
    // No preset state: only what was copied.
    expect(d.events.some((e) => e.event.pdu.type === "m.room.guest_access" || e.event.pdu.type === "m.room.history_visibility")).toBe(false);
  });

  it("v11: an upgrader who already holds every level gets the old levels once", () => {
    const d = created(command("11", { sender: BOB }));
    expect(summary(d).filter((t) => t === "m.room.power_levels")).toHaveLength(1);
    expect(d.events[2]!.event.pdu.content).toEqual(OLD_LEVELS);
    expectValidOnReceipt(d);
  });

  it("v12: creators (the upgrader and additional_creators) leave `users`; no raise is needed", () => {
    const d = created(
      command("12", {
        creationContent: { predecessor: { room_id: OLD_ROOM }, additional_creators: [BOB] },
        upgrade: { powerLevels: { ...OLD_LEVELS, users: { [ALICE]: 50, [BOB]: 100, [CAROL]: 75 } }, state: COPIED },
      }),
    );
    expect(summary(d)).toEqual(["m.room.create", "m.room.member", "m.room.power_levels", "m.room.name", "m.room.join_rules", "m.room.encryption"]);
    expect(d.events[0]!.event.pdu.content).toEqual({ room_version: "12", predecessor: { room_id: OLD_ROOM }, additional_creators: [BOB] });
    expect(d.events[2]!.event.pdu.content["users"]).toEqual({ [CAROL]: 75 });
    expectValidOnReceipt(d);
  });

  it("without old power levels, the defaults apply", () => {
    const d = created(command("10", { upgrade: { state: [] } }));
    expect(summary(d)).toEqual(["m.room.create", "m.room.member", "m.room.power_levels"]);
    expect(d.events[2]!.event.pdu.content["users"]).toEqual({ [ALICE]: 100 });
  });

  it("refuses createRoom fields an upgrade replaces, and copied membership or create events", () => {
    for (const extra of [{ preset: "public_chat" as const }, { name: "x" }, { invite: [BOB] }]) {
      const result = decide(command("11", extra), undefined, ctxAt(TS));
      expect(result.ok ? "ok" : result.error._tag).toBe("BadRequest");
    }
    const member = decide(
      command("11", { upgrade: { state: [{ type: "m.room.member", stateKey: BOB, content: { membership: "join" } }] } }),
      undefined,
      ctxAt(TS),
    );
    expect(member.ok ? "ok" : member.error._tag).toBe("BadRequest");
  });
});
