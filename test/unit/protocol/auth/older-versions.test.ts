// Where room versions 1–9 differ from v10: aliases and redaction rules, numbering, knocking,
// restricted joins, notifications and string power levels.
import { describe, it } from "vitest";
import { authorizeEvent } from "../../../../src/protocol/auth/authorize-event";
import { expectAllowed, expectRejected } from "../../../support/auth-assert";
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  joinRule,
  lookup,
  member,
  powerLevels,
  roomEvent,
  standardRoom,
  withState,
} from "../../../support/auth-room";
import { makeEvent } from "../../../support/events";

describe("room versions 1–5: rule 4, m.room.aliases", () => {
  const room = standardRoom("5");
  const aliases = (sender: string, stateKey?: string) =>
    roomEvent(room, { type: "m.room.aliases", sender, ...(stateKey === undefined ? {} : { stateKey }), content: {} });
  it("4.3: a server may set its own aliases, even if the sender is not in the room", () => {
    expectAllowed(authorizeEvent(room.rules, aliases(BOB, "b.example"), lookup(room)));
  });
  it("4.1: an aliases event needs a state_key", () => {
    expectRejected(authorizeEvent(room.rules, aliases(ALICE), lookup(room)), "4.1");
  });
  it("4.2: the state_key must be the sender's domain", () => {
    expectRejected(authorizeEvent(room.rules, aliases(BOB, "a.example"), lookup(room)), "4.2");
  });
  it("v6 removed the rule: aliases events are ordinary state events", () => {
    const v6 = standardRoom("6");
    const e = roomEvent(v6, { type: "m.room.aliases", sender: BOB, stateKey: "b.example", content: {} });
    expectRejected(authorizeEvent(v6.rules, e, lookup(v6)), "5"); // Bob is not joined
  });
});

describe("room versions 1–2: rule 11, m.room.redaction", () => {
  const base = standardRoom("1");
  const room = withState(base, member(base, BOB, BOB, "join"));
  const redaction = (id: string, sender: string, redacts: string) =>
    makeEvent({ id, type: "m.room.redaction", sender, content: {}, prevEvents: ["$p"] }, room.roomId);
  const withRedacts = (e: ReturnType<typeof redaction>, redacts: string) => ({ ...e, pdu: { ...e.pdu, redacts } });
  it("11.1: a sender at the redact level may redact anything", () => {
    expectAllowed(authorizeEvent(room.rules, withRedacts(redaction("$r1:a.example", ALICE, ""), "$x:b.example"), lookup(room)));
  });
  it("11.2: a server may redact events whose IDs carry its domain", () => {
    expectAllowed(authorizeEvent(room.rules, withRedacts(redaction("$r2:b.example", BOB, ""), "$x:b.example"), lookup(room)));
  });
  it("11.3: otherwise the redaction is rejected", () => {
    expectRejected(
      authorizeEvent(room.rules, withRedacts(redaction("$r3:b.example", BOB, ""), "$x:a.example"), lookup(room)),
      "11.3",
    );
  });
  it("v3 dropped the rule: any joined user may send a redaction", () => {
    const v3 = withState(standardRoom("3"), member(base, BOB, BOB, "join"));
    const e = roomEvent(v3, { type: "m.room.redaction", sender: BOB, content: {} });
    expectAllowed(authorizeEvent(v3.rules, { ...e, pdu: { ...e.pdu, redacts: "$x" } }, lookup(v3)));
  });
});

describe("membership rule numbering before v8", () => {
  it("v1: member is rule 5, and leaving from knock is not allowed (no knocking)", () => {
    const room = standardRoom("1");
    const knocked = withState(room, member(room, CAROL, CAROL, "knock"));
    expectRejected(authorizeEvent(room.rules, member(room, CAROL, CAROL, "leave"), lookup(knocked)), "5.4.1");
    expectRejected(authorizeEvent(room.rules, member(room, CAROL, CAROL, "knock"), lookup(room)), "5.6");
  });
  it("v6: member is rule 4, unknown membership 4.6", () => {
    const room = standardRoom("6");
    expectRejected(authorizeEvent(room.rules, member(room, CAROL, CAROL, "knock"), lookup(room)), "4.6");
  });
  it("v7: knocking is rule 4.6; a knock join rule admits invited users", () => {
    const room = standardRoom("7", "knock");
    expectAllowed(authorizeEvent(room.rules, member(room, CAROL, CAROL, "knock"), lookup(room)));
    const invited = withState(room, member(room, ALICE, CAROL, "invite"));
    expectAllowed(authorizeEvent(room.rules, member(room, CAROL, CAROL, "join"), lookup(invited)));
    expectRejected(authorizeEvent(room.rules, member(room, CAROL, CAROL, "join"), lookup(room)), "4.2.6");
    const invite = standardRoom("7", "invite");
    expectRejected(authorizeEvent(invite.rules, member(invite, CAROL, CAROL, "knock"), lookup(invite)), "4.6.1");
  });
  it("v7: a restricted join rule means nothing yet", () => {
    const room = standardRoom("7", "restricted");
    const e = member(room, CAROL, CAROL, "join", { join_authorised_via_users_server: ALICE });
    expectRejected(authorizeEvent(room.rules, e, lookup(room)), "4.2.6");
  });
});

describe("room versions 8 and 9: restricted joins without knock_restricted", () => {
  const opts = { isSignedBy: () => true };
  it("4.3.5: restricted joins via a joined user able to invite", () => {
    const room = standardRoom("9", "restricted");
    const e = member(room, CAROL, CAROL, "join", { join_authorised_via_users_server: ALICE });
    expectAllowed(authorizeEvent(room.rules, e, lookup(room), opts));
    expectRejected(authorizeEvent(room.rules, member(room, CAROL, CAROL, "join"), lookup(room), opts), "4.3.5.2");
  });
  it("4.3.7: knock_restricted is not a join rule yet", () => {
    const room = standardRoom("9", "knock_restricted");
    const e = member(room, CAROL, CAROL, "join", { join_authorised_via_users_server: ALICE });
    expectRejected(authorizeEvent(room.rules, e, lookup(room), opts), "4.3.7");
  });
  it("4.7.1: knocking on a knock_restricted room is rejected", () => {
    const room = standardRoom("8", "knock_restricted");
    expectRejected(authorizeEvent(room.rules, member(room, CAROL, CAROL, "knock"), lookup(room)), "4.7.1");
  });
});

describe("string power levels before v10", () => {
  const base = standardRoom("9");
  const room = withState(
    base,
    powerLevels(base, { ban: " 40 ", users: { [ALICE]: "100", [BOB]: "+50" } }),
    member(base, BOB, BOB, "join"),
    member(base, DAVE, DAVE, "join"),
  );
  it("string values count as their integers", () => {
    expectAllowed(authorizeEvent(room.rules, member(room, BOB, DAVE, "ban"), lookup(room)));
  });
  it("9.1: users values may be strings holding integers, not other strings", () => {
    const ok = powerLevels(room, { ban: "40", users: { [ALICE]: "100", [BOB]: "50", [DAVE]: "10" } }, BOB);
    expectAllowed(authorizeEvent(room.rules, ok, lookup(room)));
    const bad = powerLevels(room, { ban: "40", users: { [ALICE]: "100", [BOB]: "50", [DAVE]: "ten" } }, BOB);
    expectRejected(authorizeEvent(room.rules, bad, lookup(room)), "9.1");
  });
  it("9.3.2: a top-level value that is no power level cannot be compared, so it is refused", () => {
    const bad = powerLevels(room, { ban: "40", kick: "high", users: { [ALICE]: "100", [BOB]: "50" } }, BOB);
    expectRejected(authorizeEvent(room.rules, bad, lookup(room)), "9.3.2");
  });
  it("an unchanged value written differently is not a change", () => {
    const same = powerLevels(room, { ban: 40, users: { [ALICE]: 100, [BOB]: 50 } }, BOB);
    expectAllowed(authorizeEvent(room.rules, same, lookup(room)));
  });
});

describe("notifications in power levels", () => {
  const setup = (version: string) => {
    const base = standardRoom(version);
    return withState(
      base,
      powerLevels(base, { notifications: { room: 80 }, users: { [ALICE]: 100, [BOB]: 50 } }),
      member(base, BOB, BOB, "join"),
    );
  };
  it("v6+: changing a notifications entry above the sender is rejected (9.4.1)", () => {
    const room = setup("6");
    const e = powerLevels(room, { notifications: { room: 10 }, users: { [ALICE]: 100, [BOB]: 50 } }, BOB);
    expectRejected(authorizeEvent(room.rules, e, lookup(room)), "9.4.1");
  });
  it("v3–v5: notifications are not checked", () => {
    const room = setup("5");
    const e = powerLevels(room, { notifications: { room: 10 }, users: { [ALICE]: 100, [BOB]: 50 } }, BOB);
    expectAllowed(authorizeEvent(room.rules, e, lookup(room)));
  });
});

describe("rule 3 before v12 uses the create event's m.federate", () => {
  it("v1: a non-federating room rejects other servers under rule 3", () => {
    const base = standardRoom("1", "public", {}, { "m.federate": false });
    expectRejected(authorizeEvent(base.rules, member(base, BOB, BOB, "join"), lookup(base)), "3");
    expectAllowed(authorizeEvent(base.rules, member(base, DAVE, DAVE, "join"), lookup(base)));
  });
  it("join rules are read from state, not from the event", () => {
    const room = standardRoom("10", "invite");
    const open = withState(room, joinRule(room, "public"));
    expectAllowed(authorizeEvent(room.rules, member(room, CAROL, CAROL, "join"), lookup(open)));
  });
});
