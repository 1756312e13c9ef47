// A small room model for auth tests: a create event, a state map, and shorthands for common events.
import type { StateLookup } from "../../src/protocol/auth/auth-types";
import type { JsonObject } from "../../src/protocol/json-value";
import { stateKeyString, type RoomEvent } from "../../src/protocol/pdu";
import { roomVersionRules, type RoomVersionRules } from "../../src/protocol/room-versions";
import { makeEvent, type EventSpec } from "./events";

export const ALICE = "@alice:a.example";
export const BOB = "@bob:b.example";
export const CAROL = "@carol:c.example";
export const DAVE = "@dave:a.example";

export function rulesFor(version: string): RoomVersionRules {
  const rules = roomVersionRules(version);
  if (!rules) throw new Error(`unknown room version ${version}`);
  return rules;
}

export interface TestRoom {
  readonly rules: RoomVersionRules;
  readonly roomId: string;
  readonly create: RoomEvent;
  readonly state: ReadonlyMap<string, RoomEvent>;
}

/** A lookup over the given events; later events replace earlier ones with the same key. */
export function lookupOf(events: Iterable<RoomEvent>): StateLookup {
  const map = new Map<string, RoomEvent>();
  for (const e of events) {
    if (e.pdu.state_key !== undefined) map.set(stateKeyString(e.pdu.type, e.pdu.state_key), e);
  }
  return (type, stateKey) => map.get(stateKeyString(type, stateKey));
}

/** A room of `version` created by `creator` (Alice unless told), with no other state yet. */
export function newRoom(version: string, createContent: JsonObject = {}, creator = ALICE): TestRoom {
  const rules = rulesFor(version);
  const v12 = rules.roomIdFromCreateEvent;
  const content: JsonObject = {
    room_version: version,
    ...(rules.creatorIsSender ? {} : { creator }),
    ...createContent,
  };
  const create = makeEvent({
    id: "$create",
    type: "m.room.create",
    sender: creator,
    stateKey: "",
    content,
    roomId: v12 ? null : "!room:a.example",
  });
  const roomId = v12 ? "!create" : "!room:a.example";
  return { rules, roomId, create, state: new Map([[stateKeyString("m.room.create", ""), create]]) };
}

/** Adds state events to the room (a new value; the old room is unchanged). */
export function withState(room: TestRoom, ...events: RoomEvent[]): TestRoom {
  const state = new Map(room.state);
  for (const e of events) state.set(stateKeyString(e.pdu.type, e.pdu.state_key ?? ""), e);
  return { ...room, state };
}

export const lookup = (room: TestRoom): StateLookup => lookupOf(room.state.values());

let counter = 0;

/** An event in the room; the ID is unique unless given. */
export function roomEvent(room: TestRoom, spec: Omit<EventSpec, "id"> & { id?: string }): RoomEvent {
  counter += 1;
  return makeEvent({ prevEvents: ["$prev"], ...spec, id: spec.id ?? `$e${counter}` }, room.roomId);
}

export function member(
  room: TestRoom,
  sender: string,
  target: string,
  membership: string,
  extra: JsonObject = {},
): RoomEvent {
  return roomEvent(room, { type: "m.room.member", sender, stateKey: target, content: { membership, ...extra } });
}

export const joinRule = (room: TestRoom, rule: string, extra: JsonObject = {}, sender = ALICE): RoomEvent =>
  roomEvent(room, { type: "m.room.join_rules", sender, stateKey: "", content: { join_rule: rule, ...extra } });

export const powerLevels = (room: TestRoom, content: JsonObject, sender = ALICE): RoomEvent =>
  roomEvent(room, { type: "m.room.power_levels", sender, stateKey: "", content });

/** A room after the usual creation steps: creator joined, power levels set, the given join rule. */
export function standardRoom(
  version: string,
  rule = "invite",
  users: JsonObject = {},
  createContent: JsonObject = {},
): TestRoom {
  const room = newRoom(version, createContent);
  const creatorLevel: JsonObject = room.rules.privilegedCreators ? {} : { [ALICE]: 100 };
  return withState(
    room,
    member(room, ALICE, ALICE, "join"),
    powerLevels(room, { users: { ...creatorLevel, ...users } }),
    joinRule(room, rule),
  );
}
