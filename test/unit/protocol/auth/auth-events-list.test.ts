// The auth_events rules (rule 2 of v10, rule 3 of v12) and v12's rule 2 (room_id names the create event).
import { describe, expect, it } from "vitest";
import { checkAuthEventsList, stateFromAuthEvents, type AuthEventEntry } from "../../../../src/protocol/auth/auth-events-list";
import { authorizeEvent } from "../../../../src/protocol/auth/authorize-event";
import type { RoomEvent } from "../../../../src/protocol/pdu";
import { expectAllowed, expectRejected } from "../../../support/auth-assert";
import { ALICE, BOB, lookupOf, member, powerLevels, roomEvent, standardRoom } from "../../../support/auth-room";
import { makeEvent } from "../../../support/events";

const accepted = (...events: RoomEvent[]): AuthEventEntry[] => events.map((event) => ({ event, rejected: false }));

describe.each([
  { version: "10", rule: "2", createSelected: true },
  { version: "12", rule: "3", createSelected: false },
])("room version $version, rule $rule (auth_events)", ({ version, rule, createSelected }) => {
  const room = standardRoom(version, "public");
  const aliceJoin = room.state.get(JSON.stringify(["m.room.member", ALICE]))!;
  const pl = room.state.get(JSON.stringify(["m.room.power_levels", ""]))!;
  const message = roomEvent(room, { type: "m.room.message", sender: ALICE, content: { body: "hi" } });
  const base = createSelected ? [room.create, pl, aliceJoin] : [pl, aliceJoin];

  it(`${rule}: the auth events the selection picks are allowed`, () => {
    expectAllowed(checkAuthEventsList(room.rules, message, accepted(...base)));
  });
  it(`${rule}.1: duplicate (type, state_key) entries are rejected`, () => {
    const otherPl = powerLevels(room, { users: { [ALICE]: 100 } });
    expectRejected(checkAuthEventsList(room.rules, message, accepted(...base, otherPl)), `${rule}.1`);
  });
  it(`${rule}.2: entries the selection does not pick are rejected`, () => {
    const bobJoin = member(room, BOB, BOB, "join");
    expectRejected(checkAuthEventsList(room.rules, message, accepted(...base, bobJoin)), `${rule}.2`);
    const joinRules = room.state.get(JSON.stringify(["m.room.join_rules", ""]))!;
    expectRejected(checkAuthEventsList(room.rules, message, accepted(...base, joinRules)), `${rule}.2`);
  });
  it(`${rule}.3: entries that were themselves rejected are rejected`, () => {
    const entries = [...accepted(...base.slice(0, -1)), { event: aliceJoin, rejected: true }];
    expectRejected(checkAuthEventsList(room.rules, message, entries), `${rule}.3`);
  });
  it(`${rule}.${createSelected ? 5 : 4}: auth events from another room are rejected`, () => {
    const foreign = makeEvent({ ...{ id: "$f", type: "m.room.power_levels", sender: ALICE, stateKey: "" }, roomId: "!other:a.example" });
    const entries = accepted(...base.filter((e) => e !== pl), foreign);
    expectRejected(checkAuthEventsList(room.rules, message, entries), `${rule}.${createSelected ? 5 : 4}`);
  });
  it("the create event is decided by rule 1, not by the auth events rule", () => {
    expectAllowed(checkAuthEventsList(room.rules, room.create, accepted(pl)));
  });
});

describe("room version 10, rule 2.4", () => {
  const room = standardRoom("10", "public");
  const aliceJoin = room.state.get(JSON.stringify(["m.room.member", ALICE]))!;
  const message = roomEvent(room, { type: "m.room.message", sender: ALICE, content: {} });
  it("2.4: without an m.room.create among the auth events the event is rejected", () => {
    expectRejected(checkAuthEventsList(room.rules, message, accepted(aliceJoin)), "2.4");
  });
  it("2.4: authorizeEvent also rejects when the state has no create event", () => {
    expectRejected(authorizeEvent(room.rules, message, stateFromAuthEvents([aliceJoin])), "2.4");
  });
});

describe("room version 12, rule 3.2 and rule 2", () => {
  const room = standardRoom("12", "public");
  const aliceJoin = room.state.get(JSON.stringify(["m.room.member", ALICE]))!;
  const message = roomEvent(room, { type: "m.room.message", sender: ALICE, content: {} });
  it("3.2: the create event must not be among the auth events", () => {
    expectRejected(checkAuthEventsList(room.rules, message, accepted(room.create, aliceJoin)), "3.2");
  });
  it("2: the room_id must be the create event's ID with ! for $", () => {
    expect(room.roomId).toBe("!create");
    expectAllowed(authorizeEvent(room.rules, message, stateFromAuthEvents([aliceJoin], room.create)));
    const elsewhere = makeEvent({ id: "$m", type: "m.room.message", sender: ALICE, roomId: "!somewhere" });
    expectRejected(authorizeEvent(room.rules, elsewhere, stateFromAuthEvents([aliceJoin], room.create)), "2");
  });
  it("2: an event with no known create event is rejected", () => {
    expectRejected(authorizeEvent(room.rules, message, lookupOf([aliceJoin])), "2");
  });
});
