// The m.room.member rules for joins (rule 4 of v10, rule 5 of v12): shape, the authorising server's
// signature, the creator's first join, and the invite, knock, restricted, knock_restricted and public join rules.
import { describe, it } from "vitest";
import { authorizeEvent } from "../../../../src/protocol/auth/authorize-event";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { expectAllowed, expectRejected } from "../../../support/auth-assert";
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  joinRule,
  lookup,
  member,
  newRoom,
  powerLevels,
  roomEvent,
  standardRoom,
  withState,
  type TestRoom,
} from "../../../support/auth-room";

const signedBy =
  (...servers: string[]) =>
  (server: string): boolean =>
    servers.includes(server);

describe.each([
  { version: "10", M: "4" },
  { version: "12", M: "5" },
])("room version $version, rule $M (joins)", ({ version, M }) => {
  const J = `${M}.3`;
  const roomWith = (rule: string, extra: JsonObject = {}): TestRoom => {
    const room = standardRoom(version, rule, {}, {});
    return withState(room, joinRule(room, rule, extra), member(room, DAVE, DAVE, "join"));
  };
  const join = (room: TestRoom, user: string, content: JsonObject = {}) => member(room, user, user, "join", content);

  it(`${M}.1: a member event without state_key or membership is rejected`, () => {
    const room = roomWith("public");
    const noMembership = roomEvent(room, { type: "m.room.member", sender: BOB, stateKey: BOB, content: {} });
    expectRejected(authorizeEvent(room.rules, noMembership, lookup(room)), `${M}.1`);
    const noStateKey = roomEvent(room, { type: "m.room.member", sender: BOB, content: { membership: "join" } });
    expectRejected(authorizeEvent(room.rules, noStateKey, lookup(room)), `${M}.1`);
    expectAllowed(authorizeEvent(room.rules, join(room, BOB), lookup(room)));
  });

  it(`${M}.2.1: join_authorised_via_users_server requires that user's server's signature`, () => {
    const room = roomWith("restricted", { allow: [{ type: "m.room_membership", room_id: "!space:a.example" }] });
    const event = join(room, BOB, { join_authorised_via_users_server: DAVE });
    expectRejected(authorizeEvent(room.rules, event, lookup(room)), `${M}.2.1`); // no signature check given: fail closed
    expectRejected(authorizeEvent(room.rules, event, lookup(room), { isSignedBy: signedBy("b.example") }), `${M}.2.1`);
    expectAllowed(authorizeEvent(room.rules, event, lookup(room), { isSignedBy: signedBy("a.example") }));
    const garbage = join(room, BOB, { join_authorised_via_users_server: 7 });
    expectRejected(authorizeEvent(room.rules, garbage, lookup(room), { isSignedBy: () => true }), `${M}.2.1`);
  });

  it(`${J}.1: the creator's join whose only prev event is the create event is allowed`, () => {
    const room = newRoom(version);
    const first = roomEvent(room, { ...joinSpec(ALICE), prevEvents: [room.create.eventId] });
    expectAllowed(authorizeEvent(room.rules, first, lookup(room)));
    // Anyone else joining right after the create event finds no join rule (invite-only) and is rejected.
    const other = roomEvent(room, { ...joinSpec(BOB), prevEvents: [room.create.eventId] });
    expectRejected(authorizeEvent(room.rules, other, lookup(room)), `${J}.7`);
    // With another prev event the shortcut does not apply.
    const later = roomEvent(room, { ...joinSpec(ALICE), prevEvents: [room.create.eventId, "$other"] });
    expectRejected(authorizeEvent(room.rules, later, lookup(room)), `${J}.7`);
  });

  it(`${J}.2: a join sent for someone else is rejected`, () => {
    const room = roomWith("public");
    expectRejected(authorizeEvent(room.rules, member(room, DAVE, BOB, "join"), lookup(room)), `${J}.2`);
  });

  it(`${J}.3: a banned user cannot join`, () => {
    const room = roomWith("public");
    const banned = withState(room, member(room, ALICE, BOB, "ban"));
    expectRejected(authorizeEvent(room.rules, join(room, BOB), lookup(banned)), `${J}.3`);
  });

  it(`${J}.4: invite and knock join rules admit invited or joined users only`, () => {
    for (const rule of ["invite", "knock"]) {
      const room = roomWith(rule);
      const invited = withState(room, member(room, ALICE, BOB, "invite"));
      expectAllowed(authorizeEvent(room.rules, join(room, BOB), lookup(invited)));
      expectAllowed(authorizeEvent(room.rules, join(room, DAVE), lookup(room))); // already joined
      expectRejected(authorizeEvent(room.rules, join(room, BOB), lookup(room)), `${J}.7`);
      const knocked = withState(room, member(room, BOB, BOB, "knock"));
      expectRejected(authorizeEvent(room.rules, join(room, BOB), lookup(knocked)), `${J}.7`);
    }
  });

  describe.each(["restricted", "knock_restricted"])(`${J}.5: join rule %s`, (rule) => {
    const room = roomWith(rule, { allow: [{ type: "m.room_membership", room_id: "!space:a.example" }] });
    const opts = { isSignedBy: () => true };
    it(`${J}.5.1: invited or joined users may join`, () => {
      const invited = withState(room, member(room, ALICE, BOB, "invite"));
      expectAllowed(authorizeEvent(room.rules, join(room, BOB), lookup(invited)));
      expectAllowed(authorizeEvent(room.rules, join(room, DAVE), lookup(room)));
    });
    it(`${J}.5.2: the authorising user must be joined and able to invite`, () => {
      expectRejected(authorizeEvent(room.rules, join(room, BOB), lookup(room), opts), `${J}.5.2`); // no key
      const viaCarol = join(room, BOB, { join_authorised_via_users_server: CAROL }); // not a member
      expectRejected(authorizeEvent(room.rules, viaCarol, lookup(room), opts), `${J}.5.2`);
      const strict = withState(room, powerLevels(room, { invite: 50, users: version === "12" ? {} : { [ALICE]: 100 } }));
      const viaDave = join(room, BOB, { join_authorised_via_users_server: DAVE }); // joined, level 0
      expectRejected(authorizeEvent(room.rules, viaDave, lookup(strict), opts), `${J}.5.2`);
    });
    it(`${J}.5.3: otherwise the join is allowed`, () => {
      const viaDave = join(room, BOB, { join_authorised_via_users_server: DAVE });
      expectAllowed(authorizeEvent(room.rules, viaDave, lookup(room), opts));
      const viaAlice = join(room, BOB, { join_authorised_via_users_server: ALICE });
      const strict = withState(room, powerLevels(room, { invite: 100, users: version === "12" ? {} : { [ALICE]: 100 } }));
      expectAllowed(authorizeEvent(room.rules, viaAlice, lookup(strict), opts));
    });
  });

  it(`${J}.6: anyone may join a public room`, () => {
    const room = roomWith("public");
    expectAllowed(authorizeEvent(room.rules, join(room, CAROL), lookup(room)));
  });

  it(`${J}.7: other join rules reject`, () => {
    for (const rule of ["private", "org.example.custom"]) {
      const room = roomWith(rule);
      expectRejected(authorizeEvent(room.rules, join(room, BOB), lookup(room)), `${J}.7`);
    }
  });

  it(`${M}.8: an unknown membership is rejected`, () => {
    const room = roomWith("public");
    expectRejected(authorizeEvent(room.rules, member(room, BOB, BOB, "wave"), lookup(room)), `${M}.8`);
  });
});

function joinSpec(user: string) {
  return { type: "m.room.member", sender: user, stateKey: user, content: { membership: "join" } };
}

describe("rule 4.3.1 before v11 uses content.creator; v11+ uses the create event's sender", () => {
  it("v10: the creator named in content may make the first join", () => {
    const room = newRoom("10", { creator: BOB });
    const first = roomEvent(room, { ...joinSpec(BOB), prevEvents: [room.create.eventId] });
    expectAllowed(authorizeEvent(room.rules, first, lookup(room)));
    const sender = roomEvent(room, { ...joinSpec(ALICE), prevEvents: [room.create.eventId] });
    expectRejected(authorizeEvent(room.rules, sender, lookup(room)), "4.3.7");
  });
  it("v11: content.creator means nothing; the sender is the creator", () => {
    const room = newRoom("11", { creator: BOB });
    const first = roomEvent(room, { ...joinSpec(ALICE), prevEvents: [room.create.eventId] });
    expectAllowed(authorizeEvent(room.rules, first, lookup(room)));
  });
  it("v12: an additional creator does not get the first-join shortcut", () => {
    const room = newRoom("12", { additional_creators: [BOB] });
    const first = roomEvent(room, { ...joinSpec(BOB), prevEvents: [room.create.eventId] });
    expectRejected(authorizeEvent(room.rules, first, lookup(room)), "5.3.7");
  });
});
