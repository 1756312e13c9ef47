// Auth events selection (server-server API "Auth events selection"), per room version.
import { describe, expect, it } from "vitest";
import { selectAuthEventKeys, type AuthSelectable } from "../../../../src/protocol/auth/auth-events-selection";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { ALICE, BOB, CAROL, rulesFor } from "../../../support/auth-room";

const ev = (type: string, sender: string, content: JsonObject = {}, stateKey?: string): AuthSelectable => ({
  type,
  sender,
  content,
  ...(stateKey === undefined ? {} : { state_key: stateKey }),
});
const sorted = (keys: readonly (readonly [string, string])[]) => [...keys].map((k) => k.join("|")).sort();

describe("selectAuthEventKeys", () => {
  const v10 = rulesFor("10");
  const v12 = rulesFor("12");

  it("the create event cites nothing", () => {
    expect(selectAuthEventKeys(v10, ev("m.room.create", ALICE, {}, ""))).toEqual([]);
  });
  it("a message cites create, power levels and the sender's membership (v10)", () => {
    expect(sorted(selectAuthEventKeys(v10, ev("m.room.message", BOB)))).toEqual(
      sorted([
        ["m.room.create", ""],
        ["m.room.power_levels", ""],
        ["m.room.member", BOB],
      ]),
    );
  });
  it("v12 never selects the create event", () => {
    expect(sorted(selectAuthEventKeys(v12, ev("m.room.message", BOB)))).toEqual(
      sorted([
        ["m.room.power_levels", ""],
        ["m.room.member", BOB],
      ]),
    );
  });
  it("a membership adds the target's membership and, for join/invite/knock, the join rules", () => {
    for (const membership of ["join", "invite", "knock"]) {
      const keys = sorted(selectAuthEventKeys(v12, ev("m.room.member", BOB, { membership }, CAROL)));
      expect(keys).toEqual(
        sorted([
          ["m.room.power_levels", ""],
          ["m.room.member", BOB],
          ["m.room.member", CAROL],
          ["m.room.join_rules", ""],
        ]),
      );
    }
    for (const membership of ["leave", "ban"]) {
      const keys = selectAuthEventKeys(v12, ev("m.room.member", BOB, { membership }, CAROL));
      expect(keys.some(([t]) => t === "m.room.join_rules")).toBe(false);
    }
  });
  it("sender and target being the same user is one entry", () => {
    const keys = selectAuthEventKeys(v12, ev("m.room.member", BOB, { membership: "join" }, BOB));
    expect(keys.filter(([t]) => t === "m.room.member")).toEqual([["m.room.member", BOB]]);
  });
  it("a third-party invite adds the m.room.third_party_invite for its token", () => {
    const content = { membership: "invite", third_party_invite: { signed: { mxid: CAROL, token: "abc" } } };
    const keys = selectAuthEventKeys(v10, ev("m.room.member", BOB, content, CAROL));
    expect(keys).toContainEqual(["m.room.third_party_invite", "abc"]);
  });
  it("a restricted join adds the authorising user's membership, in versions with restricted rooms", () => {
    const content = { membership: "join", join_authorised_via_users_server: ALICE };
    expect(selectAuthEventKeys(v10, ev("m.room.member", BOB, content, BOB))).toContainEqual(["m.room.member", ALICE]);
    expect(selectAuthEventKeys(rulesFor("7"), ev("m.room.member", BOB, content, BOB))).not.toContainEqual([
      "m.room.member",
      ALICE,
    ]);
  });
  it("a leave naming an authorising user does not add it", () => {
    const content = { membership: "leave", join_authorised_via_users_server: ALICE };
    expect(selectAuthEventKeys(v10, ev("m.room.member", BOB, content, BOB))).not.toContainEqual(["m.room.member", ALICE]);
  });
});
