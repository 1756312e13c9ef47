// The m.room.member rules for invite (without a third-party invite), leave, ban and knock, in v10 and v12.
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
  powerLevels,
  standardRoom,
  withState,
  type TestRoom,
} from "../../../support/auth-room";

describe.each([
  { version: "10", M: "4" },
  { version: "12", M: "5" },
])("room version $version, rule $M", ({ version, M }) => {
  const v12 = version === "12";
  /** Alice (creator; 100 or infinite), Bob at 50, Dave at 0, all joined; Carol is outside. */
  const room = (rule = "invite", levels: JsonObject = {}): TestRoom => {
    const base = standardRoom(version, rule);
    return withState(
      base,
      powerLevels(base, { ...levels, users: { ...(v12 ? {} : { [ALICE]: 100 }), [BOB]: 50 } }),
      member(base, BOB, BOB, "join"),
      member(base, DAVE, DAVE, "join"),
    );
  };
  const allowed = (r: TestRoom, e: ReturnType<typeof member>) => expectAllowed(authorizeEvent(r.rules, e, lookup(r)));
  const rejected = (r: TestRoom, e: ReturnType<typeof member>, rule: string) =>
    expectRejected(authorizeEvent(r.rules, e, lookup(r)), rule);

  describe(`${M}.4: invite`, () => {
    it(`${M}.4.2: the sender must be joined`, () => {
      const r = room();
      rejected(r, member(r, CAROL, "@erin:e.example", "invite"), `${M}.4.2`);
    });
    it(`${M}.4.3: a joined or banned target cannot be invited`, () => {
      const r = room();
      rejected(r, member(r, BOB, DAVE, "invite"), `${M}.4.3`);
      const banned = withState(r, member(r, ALICE, CAROL, "ban"));
      rejected(banned, member(banned, BOB, CAROL, "invite"), `${M}.4.3`);
    });
    it(`${M}.4.4: a sender at or above the invite level may invite`, () => {
      const r = room("invite", { invite: 50 });
      allowed(r, member(r, BOB, CAROL, "invite"));
      const left = withState(r, member(r, CAROL, CAROL, "leave"));
      allowed(left, member(left, BOB, CAROL, "invite"));
    });
    it(`${M}.4.5: a sender below the invite level may not`, () => {
      const r = room("invite", { invite: 51 });
      rejected(r, member(r, BOB, CAROL, "invite"), `${M}.4.5`);
    });
  });

  describe(`${M}.5: leave`, () => {
    it(`${M}.5.1: leaving yourself is allowed from invite, join or knock`, () => {
      const r = room();
      allowed(r, member(r, DAVE, DAVE, "leave"));
      const invited = withState(r, member(r, BOB, CAROL, "invite"));
      allowed(invited, member(invited, CAROL, CAROL, "leave"));
      const knocked = withState(r, member(r, CAROL, CAROL, "knock"));
      allowed(knocked, member(knocked, CAROL, CAROL, "leave"));
    });
    it(`${M}.5.1: leaving yourself is rejected from leave, ban or no membership`, () => {
      const r = room();
      rejected(r, member(r, CAROL, CAROL, "leave"), `${M}.5.1`);
      const banned = withState(r, member(r, ALICE, CAROL, "ban"));
      rejected(banned, member(banned, CAROL, CAROL, "leave"), `${M}.5.1`);
      const left = withState(r, member(r, CAROL, CAROL, "leave"));
      rejected(left, member(left, CAROL, CAROL, "leave"), `${M}.5.1`);
    });
    it(`${M}.5.2: a sender who is not joined cannot kick`, () => {
      const r = room();
      rejected(r, member(r, CAROL, DAVE, "leave"), `${M}.5.2`);
    });
    it(`${M}.5.3: unbanning needs the ban level`, () => {
      const r = room("invite", { kick: 0, ban: 60 });
      const banned = withState(r, member(r, ALICE, CAROL, "ban"));
      rejected(banned, member(banned, BOB, CAROL, "leave"), `${M}.5.3`);
      allowed(banned, member(banned, ALICE, CAROL, "leave"));
    });
    it(`${M}.5.4: a sender at the kick level may kick a lower user`, () => {
      const r = room();
      allowed(r, member(r, BOB, DAVE, "leave"));
    });
    it(`${M}.5.5: otherwise the kick is rejected (target not lower, or sender below kick level)`, () => {
      const r = room();
      rejected(r, member(r, DAVE, BOB, "leave"), `${M}.5.5`);
      const peers = withState(r, powerLevels(r, { users: { ...(v12 ? {} : { [ALICE]: 100 }), [BOB]: 50, [DAVE]: 50 } }));
      rejected(peers, member(peers, BOB, DAVE, "leave"), `${M}.5.5`);
      const highKick = room("invite", { kick: 75 });
      rejected(highKick, member(highKick, BOB, DAVE, "leave"), `${M}.5.5`);
    });
  });

  describe(`${M}.6: ban`, () => {
    it(`${M}.6.1: a sender who is not joined cannot ban`, () => {
      const r = room();
      rejected(r, member(r, CAROL, DAVE, "ban"), `${M}.6.1`);
    });
    it(`${M}.6.2: a sender at the ban level may ban a lower user, member or not`, () => {
      const r = room();
      allowed(r, member(r, BOB, DAVE, "ban"));
      allowed(r, member(r, BOB, CAROL, "ban"));
    });
    it(`${M}.6.3: otherwise the ban is rejected`, () => {
      const r = room();
      rejected(r, member(r, DAVE, BOB, "ban"), `${M}.6.3`);
      const highBan = room("invite", { ban: 60 });
      rejected(highBan, member(highBan, BOB, DAVE, "ban"), `${M}.6.3`);
      rejected(r, member(r, BOB, BOB, "ban"), `${M}.6.3`); // not lower than oneself
    });
  });

  describe(`${M}.7: knock`, () => {
    it(`${M}.7.1: the join rule must be knock or knock_restricted`, () => {
      for (const rule of ["invite", "public", "restricted"]) {
        const r = room(rule);
        rejected(r, member(r, CAROL, CAROL, "knock"), `${M}.7.1`);
      }
    });
    it(`${M}.7.2: a knock for someone else is rejected`, () => {
      const r = room("knock");
      rejected(r, member(r, DAVE, CAROL, "knock"), `${M}.7.2`);
    });
    it(`${M}.7.3: an outsider may knock on a knock or knock_restricted room`, () => {
      for (const rule of ["knock", "knock_restricted"]) {
        const r = room(rule);
        allowed(r, member(r, CAROL, CAROL, "knock"));
        const left = withState(r, member(r, CAROL, CAROL, "leave"));
        allowed(left, member(left, CAROL, CAROL, "knock"));
      }
    });
    it(`${M}.7.4: a banned, invited or joined user cannot knock`, () => {
      const r = room("knock");
      rejected(r, member(r, DAVE, DAVE, "knock"), `${M}.7.4`);
      const banned = withState(r, member(r, ALICE, CAROL, "ban"));
      rejected(banned, member(banned, CAROL, CAROL, "knock"), `${M}.7.4`);
      const invited = withState(r, member(r, ALICE, CAROL, "invite"));
      rejected(invited, member(invited, CAROL, CAROL, "knock"), `${M}.7.4`);
    });
  });
});

describe("room version 12: creators have infinite power in membership changes", () => {
  const base = standardRoom("12", "invite", {}, { additional_creators: [BOB] });
  const r = withState(
    base,
    member(base, BOB, BOB, "join"),
    member(base, DAVE, DAVE, "join"),
    powerLevels(base, { users: { [DAVE]: 9007199254740991 } }),
  );
  it("5.6.3: no finite level, however high, can ban a creator", () => {
    expectRejected(authorizeEvent(r.rules, member(r, DAVE, BOB, "ban"), lookup(r)), "5.6.3");
  });
  it("5.6.2: a creator may ban the highest finite level", () => {
    expectAllowed(authorizeEvent(r.rules, member(r, BOB, DAVE, "ban"), lookup(r)));
  });
  it("5.6.3: one creator cannot ban another (neither is lower)", () => {
    expectRejected(authorizeEvent(r.rules, member(r, ALICE, BOB, "ban"), lookup(r)), "5.6.3");
  });
  it("5.5.5: no one can kick a creator", () => {
    expectRejected(authorizeEvent(r.rules, member(r, DAVE, ALICE, "leave"), lookup(r)), "5.5.5");
  });
  it("5.4.4: creators meet any invite level", () => {
    const strict = withState(r, powerLevels(r, { invite: 9007199254740991 }), joinRule(r, "invite"));
    expectAllowed(authorizeEvent(r.rules, member(strict, BOB, CAROL, "invite"), lookup(strict)));
  });
});
