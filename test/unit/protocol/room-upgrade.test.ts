// Room upgrades, the pure part: permission, transferable state, create content, carried and restricted power levels.
import { describe, expect, it } from "vitest";
import type { StateLookup } from "../../../src/protocol/auth/auth-types";
import type { JsonObject } from "../../../src/protocol/json-value";
import type { RoomEvent } from "../../../src/protocol/pdu";
import {
  carriedPowerLevels,
  restrictedOldPowerLevels,
  transferableState,
  upgradeCreationContent,
  upgradeRefusal,
} from "../../../src/protocol/room-upgrade";
import { roomVersionRules } from "../../../src/protocol/room-versions";

const ALICE = "@alice:hs.test";
const BOB = "@bob:hs.test";
const V10 = roomVersionRules("10")!;
const V11 = roomVersionRules("11")!;
const V12 = roomVersionRules("12")!;

let n = 0;
function ev(type: string, stateKey: string, content: JsonObject, sender = ALICE): RoomEvent {
  return {
    eventId: `$e${n++}`,
    pdu: { type, state_key: stateKey, content, sender, origin_server_ts: 0, prev_events: [], auth_events: [], depth: 1, hashes: { sha256: "" }, signatures: {} },
  };
}

function lookup(events: RoomEvent[]): StateLookup {
  return (type, key) => events.find((e) => e.pdu.type === type && e.pdu.state_key === key);
}

const members = [ev("m.room.member", ALICE, { membership: "join" }), ev("m.room.member", BOB, { membership: "join" })];

describe("upgradeRefusal", () => {
  it("needs a joined member at the tombstone level (state_default when unlisted)", () => {
    const state = [ev("m.room.create", "", { room_version: "11" }), ...members, ev("m.room.power_levels", "", { users: { [ALICE]: 100 }, state_default: 50 })];
    expect(upgradeRefusal(V11, lookup(state), ALICE)).toBeUndefined();
    expect(upgradeRefusal(V11, lookup(state), BOB)).toBe("no_tombstone_power");
    expect(upgradeRefusal(V11, lookup(state), "@eve:hs.test")).toBe("not_joined");
    const listed = [...state.slice(0, 3), ev("m.room.power_levels", "", { users: { [ALICE]: 100 }, events: { "m.room.tombstone": 0 } })];
    expect(upgradeRefusal(V11, lookup(listed), BOB)).toBeUndefined();
  });

  it("v12 creators hold infinite power without being listed", () => {
    const state = [ev("m.room.create", "", { room_version: "12", additional_creators: [BOB] }), ...members, ev("m.room.power_levels", "", { events: { "m.room.tombstone": 150 } })];
    expect(upgradeRefusal(V12, lookup(state), BOB)).toBeUndefined();
  });
});

describe("transferableState", () => {
  it("copies the listed types in order, skips removed state, members and unlisted types; a space keeps its children", () => {
    const state = [
      ev("m.room.create", "", { room_version: "11", type: "m.space" }),
      ...members,
      ev("m.room.topic", "", { topic: "t" }),
      ev("m.room.name", "", { name: "n" }),
      ev("m.room.avatar", "", {}),
      ev("org.example.custom", "", { x: 1 }),
      ev("m.space.child", "!b:hs.test", { via: ["hs.test"] }),
      ev("m.space.child", "!a:hs.test", { via: ["hs.test"] }),
      ev("m.space.child", "!gone:hs.test", {}),
    ];
    expect(transferableState(state).map((e) => [e.type, e.stateKey])).toEqual([
      ["m.room.name", ""],
      ["m.room.topic", ""],
      ["m.space.child", "!a:hs.test"],
      ["m.space.child", "!b:hs.test"],
    ]);
  });
});

describe("upgradeCreationContent", () => {
  const create = ev("m.room.create", "", { room_version: "10", creator: ALICE, type: "m.space", "m.federate": false });
  it("names the predecessor's last event before v12, only its room from v12", () => {
    expect(upgradeCreationContent(create, V11, { roomId: "!old:hs.test", lastEventId: "$last" }, undefined)).toEqual({
      predecessor: { room_id: "!old:hs.test", event_id: "$last" },
      type: "m.space",
      "m.federate": false,
    });
    expect(upgradeCreationContent(create, V12, { roomId: "!old:hs.test", lastEventId: "$last" }, [BOB])).toEqual({
      predecessor: { room_id: "!old:hs.test" },
      type: "m.space",
      "m.federate": false,
      additional_creators: [BOB],
    });
  });
});

describe("power levels", () => {
  it("v12 → earlier: the old creators are listed at 100 so they keep their power", () => {
    const state = [ev("m.room.create", "", { room_version: "12", additional_creators: [BOB] }), ev("m.room.power_levels", "", { users: { "@carol:hs.test": 50 } })];
    expect(carriedPowerLevels(V12, V11, lookup(state))).toEqual({ users: { "@carol:hs.test": 50, [ALICE]: 100, [BOB]: 100 } });
    expect(carriedPowerLevels(V12, V12, lookup(state))).toEqual({ users: { "@carol:hs.test": 50 } });
    expect(carriedPowerLevels(V10, V11, lookup([]))).toBeUndefined();
  });

  it("levels stored as strings before v10 become integers for a v10+ room", () => {
    const V9 = roomVersionRules("9")!;
    const state = [ev("m.room.power_levels", "", { users: { [ALICE]: "100", [BOB]: 50 }, ban: " 50 ", kick: 50.7, events: { "m.room.name": "x" }, invite: "0" })];
    expect(carriedPowerLevels(V9, V11, lookup(state))).toEqual({ users: { [ALICE]: 100, [BOB]: 50 }, ban: 50, kick: 50, events: {}, invite: 0 });
    expect(carriedPowerLevels(V9, V9, lookup(state))).toBe(state[0]!.pdu.content);
  });

  it("closes the old room: events_default and invite to max(50, users_default + 1), nothing when already there", () => {
    const open = [ev("m.room.power_levels", "", { users: { [ALICE]: 100 }, users_default: 60, events_default: 0, invite: 0 })];
    expect(restrictedOldPowerLevels(V10, lookup(open))).toEqual({ users: { [ALICE]: 100 }, users_default: 60, events_default: 61, invite: 61 });
    const closed = [ev("m.room.power_levels", "", { events_default: 50, invite: 75 })];
    expect(restrictedOldPowerLevels(V10, lookup(closed))).toBeUndefined();
    expect(restrictedOldPowerLevels(V10, lookup([]))).toBeUndefined();
  });
});
