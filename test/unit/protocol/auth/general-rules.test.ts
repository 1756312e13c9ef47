// The rules after the membership rules, for room versions 10 and 12: m.federate, sender membership,
// m.room.third_party_invite, the required power level, user-ID state keys, redactions and the final allow.
import { describe, it } from "vitest";
import { authorizeEvent } from "../../../../src/protocol/auth/authorize-event";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { expectAllowed, expectRejected } from "../../../support/auth-assert";
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  lookup,
  member,
  powerLevels,
  roomEvent,
  standardRoom,
  withState,
} from "../../../support/auth-room";

/** v10 numbers each rule one lower than v12, which inserted rule 2 (room_id names the create event). */
describe.each([
  { version: "10", federate: "3", senderJoined: "5", tpi: "6.1", required: "7", stateKey: "8", pl: "9" },
  { version: "12", federate: "4", senderJoined: "6", tpi: "7.1", required: "8", stateKey: "9", pl: "10" },
])("room version $version", ({ version, federate, senderJoined, tpi, required, stateKey }) => {
  const joined = (createContent: JsonObject = {}, users: JsonObject = {}) => {
    const room = standardRoom(version, "public", users, createContent);
    return withState(room, member(room, BOB, BOB, "join"), member(room, DAVE, DAVE, "join"));
  };

  it(`${federate}: m.federate false rejects senders from other servers`, () => {
    const room = joined({ "m.federate": false });
    const fromBob = roomEvent(room, { type: "m.room.message", sender: BOB, content: {} });
    expectRejected(authorizeEvent(room.rules, fromBob, lookup(room)), federate);
    const fromDave = roomEvent(room, { type: "m.room.message", sender: DAVE, content: {} });
    expectAllowed(authorizeEvent(room.rules, fromDave, lookup(room)));
  });
  it(`${federate}: m.federate true (or absent) admits other servers`, () => {
    const room = joined({ "m.federate": true });
    expectAllowed(authorizeEvent(room.rules, roomEvent(room, { type: "m.room.message", sender: BOB }), lookup(room)));
  });

  it(`${senderJoined}: a sender who is not joined is rejected`, () => {
    const room = joined();
    const fromCarol = roomEvent(room, { type: "m.room.message", sender: CAROL, content: {} });
    expectRejected(authorizeEvent(room.rules, fromCarol, lookup(room)), senderJoined);
    const left = withState(room, member(room, BOB, BOB, "leave"));
    const fromBob = roomEvent(room, { type: "m.room.message", sender: BOB, content: {} });
    expectRejected(authorizeEvent(room.rules, fromBob, lookup(left)), senderJoined);
    expectAllowed(authorizeEvent(room.rules, fromBob, lookup(room)));
  });

  it(`${tpi}: m.room.third_party_invite needs the invite level`, () => {
    const room = joined({}, { [BOB]: 10 });
    const strict = withState(room, powerLevels(room, { invite: 20, users: { [BOB]: 10, [DAVE]: 20 } }));
    const invite = (sender: string) =>
      roomEvent(room, { type: "m.room.third_party_invite", sender, stateKey: "tok", content: { display_name: "x" } });
    expectRejected(authorizeEvent(room.rules, invite(BOB), lookup(strict)), tpi);
    expectAllowed(authorizeEvent(room.rules, invite(DAVE), lookup(strict)));
    // The required level for the event type does not apply: rule 6/7 decides outright.
    const typed = withState(room, powerLevels(room, { events: { "m.room.third_party_invite": 100 } }));
    expectAllowed(authorizeEvent(room.rules, invite(BOB), lookup(typed)));
  });

  it(`${required}: the event type's required level (events, events_default, state_default) is enforced`, () => {
    const room = joined();
    const levels = withState(
      room,
      powerLevels(room, { events_default: 10, state_default: 30, events: { "m.room.topic": 5 }, users: { [BOB]: 10 } }),
    );
    const s = lookup(levels);
    const msg = (sender: string) => roomEvent(room, { type: "m.room.message", sender, content: {} });
    const state = (type: string) => roomEvent(room, { type, sender: BOB, stateKey: "", content: {} });
    expectAllowed(authorizeEvent(room.rules, msg(BOB), s)); // 10 >= events_default 10
    expectRejected(authorizeEvent(room.rules, msg(DAVE), s), required); // 0 < 10
    expectRejected(authorizeEvent(room.rules, state("m.room.name"), s), required); // 10 < state_default 30
    expectAllowed(authorizeEvent(room.rules, state("m.room.topic"), s)); // events entry 5 overrides
  });
  it(`${required}: without power levels, state needs 50 and messages 0`, () => {
    const room = joined();
    const noPl = new Map(room.state);
    noPl.delete(JSON.stringify(["m.room.power_levels", ""]));
    const bare = { ...room, state: noPl };
    expectAllowed(authorizeEvent(room.rules, roomEvent(room, { type: "m.room.message", sender: BOB }), lookup(bare)));
    const name = roomEvent(room, { type: "m.room.name", sender: BOB, stateKey: "", content: {} });
    expectRejected(authorizeEvent(room.rules, name, lookup(bare)), required);
    const byCreator = roomEvent(room, { type: "m.room.name", sender: ALICE, stateKey: "", content: {} });
    expectAllowed(authorizeEvent(room.rules, byCreator, lookup(bare)));
  });

  it(`${stateKey}: a state_key starting with @ must be the sender`, () => {
    const room = joined({}, { [BOB]: 100 });
    const owned = (key: string) => roomEvent(room, { type: "org.example.owned", sender: BOB, stateKey: key, content: {} });
    expectRejected(authorizeEvent(room.rules, owned(DAVE), lookup(room)), stateKey);
    expectAllowed(authorizeEvent(room.rules, owned(BOB), lookup(room)));
    expectAllowed(authorizeEvent(room.rules, owned("not-a-user"), lookup(room)));
  });

  it("final rule: any other event that passed the rules is allowed", () => {
    const room = joined();
    expectAllowed(authorizeEvent(room.rules, roomEvent(room, { type: "org.example.custom", sender: DAVE }), lookup(room)));
  });

  it("redaction note: m.room.redaction is a normal event; the redact level is not considered", () => {
    const room = joined();
    const strict = withState(room, powerLevels(room, { redact: 100, users: { [ALICE]: 100 } }));
    const redaction = roomEvent(room, {
      type: "m.room.redaction",
      sender: BOB,
      content: { redacts: "$someone-elses" },
    });
    expectAllowed(authorizeEvent(room.rules, redaction, lookup(strict)));
    const gated = withState(room, powerLevels(room, { events: { "m.room.redaction": 50 }, users: { [ALICE]: 100 } }));
    expectRejected(authorizeEvent(room.rules, redaction, lookup(gated)), required);
  });
});
