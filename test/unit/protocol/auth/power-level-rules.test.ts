// Rule 9 (v10) / rule 10 (v12): m.room.power_levels, including v12's creators who cannot be listed in users.
import { describe, expect, it } from "vitest";
import { authorizeEvent } from "../../../../src/protocol/auth/authorize-event";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { expectAllowed, expectRejected } from "../../../support/auth-assert";
import { ALICE, BOB, CAROL, DAVE, lookup, member, newRoom, powerLevels, standardRoom, withState } from "../../../support/auth-room";

describe.each([
  { version: "10", n: { ints: "9.1", objs: "9.2", users: "9.3", top: "9.5", mapRm: "9.6.1", mapAdd: "9.7.1", usersRm: "9.8.1", usersAdd: "9.9.1" } },
  { version: "12", n: { ints: "10.1", objs: "10.2", users: "10.3", top: "10.6", mapRm: "10.7.1", mapAdd: "10.8.1", usersRm: "10.9.1", usersAdd: "10.10.1" } },
])("room version $version, power levels", ({ version, n }) => {
  const v12 = version === "12";
  /** Current levels: Alice the creator (100 before v12), Bob 50, Dave 20; all joined. */
  const current: JsonObject = {
    ban: 50,
    kick: 50,
    state_default: 50,
    events: { "m.room.name": 50, "m.room.power_levels": 50, "org.example.high": 80 },
    notifications: { room: 50 },
    users: { ...(v12 ? {} : { [ALICE]: 100 }), [BOB]: 50, [DAVE]: 20 },
  };
  const base = standardRoom(version, "invite");
  const room = withState(base, powerLevels(base, current), member(base, BOB, BOB, "join"), member(base, DAVE, DAVE, "join"));
  const change = (patch: JsonObject, sender = BOB) => powerLevels(room, { ...current, ...patch }, sender);
  const users = (patch: JsonObject): JsonObject => ({ users: { ...(current["users"] as JsonObject), ...patch } });
  const check = (e: ReturnType<typeof change>) => authorizeEvent(room.rules, e, lookup(room));

  it(`${n.ints}: top-level levels must be integers`, () => {
    expectRejected(check(change({ ban: "50" })), n.ints);
    expectRejected(check(change({ users_default: true })), n.ints);
    expectRejected(check(change({ invite: null })), n.ints);
    expectAllowed(check(change({ ban: 50 })));
  });
  it(`${n.objs}: events and notifications must be objects of integers`, () => {
    expectRejected(check(change({ events: { "m.room.name": "50" } })), n.objs);
    expectRejected(check(change({ notifications: [] })), n.objs);
    expectRejected(check(change({ events: 5 })), n.objs);
    expectAllowed(check(change({ notifications: { room: 40 } })));
  });
  it(`${n.users}: users must map valid user IDs to integers`, () => {
    expectRejected(check(change(users({ [CAROL]: "10" }))), n.users);
    expectRejected(check(change({ users: { "not-a-user": 10 } })), n.users);
    expectRejected(check(change({ users: [] })), n.users);
    expectAllowed(check(change(users({ [CAROL]: 10 }))));
  });
  it(`${v12 ? "10.5" : "9.4"}: with no previous power levels event, any well-formed content is allowed`, () => {
    const fresh = newRoom(version);
    const initial = powerLevels(fresh, { ban: 1000, users: { [BOB]: 1000 } });
    expectAllowed(authorizeEvent(fresh.rules, initial, lookup(withState(fresh, member(fresh, ALICE, ALICE, "join")))));
  });
  it(`${n.top}.1: a top-level level currently above the sender cannot be changed or removed`, () => {
    const high = withState(room, powerLevels(room, { ...current, kick: 60 }));
    expectRejected(authorizeEvent(room.rules, change({ kick: 40 }), lookup(high)), `${n.top}.1`);
    const { kick: _k, ...withoutKick } = current;
    expectRejected(authorizeEvent(room.rules, powerLevels(room, withoutKick, BOB), lookup(high)), `${n.top}.1`);
  });
  it(`${n.top}.2: a top-level level cannot be set above the sender`, () => {
    expectRejected(check(change({ ban: 51 })), `${n.top}.2`);
    expectRejected(check(change({ redact: 51 })), `${n.top}.2`); // added
    expectAllowed(check(change({ ban: 50, kick: 10, redact: 50 })));
  });
  it(`${n.mapRm}: an events or notifications entry above the sender cannot be changed or removed`, () => {
    expectRejected(check(change({ events: { "m.room.name": 50, "m.room.power_levels": 50, "org.example.high": 10 } })), n.mapRm);
    expectRejected(check(change({ events: { "m.room.name": 50, "m.room.power_levels": 50 } })), n.mapRm);
    const highNotify = withState(room, powerLevels(room, { ...current, notifications: { room: 70 } }));
    expectRejected(authorizeEvent(room.rules, change({ notifications: {} }), lookup(highNotify)), n.mapRm);
    expectAllowed(check(change({ events: { "m.room.name": 10, "m.room.power_levels": 50, "org.example.high": 80 } })));
  });
  it(`${n.mapAdd}: an events or notifications entry cannot be added or set above the sender`, () => {
    const events = current["events"] as JsonObject;
    expectRejected(check(change({ events: { ...events, "m.room.topic": 51 } })), n.mapAdd);
    expectRejected(check(change({ notifications: { room: 51 } })), n.mapAdd);
    expectAllowed(check(change({ events: { ...events, "m.room.topic": 50 } })));
  });
  it(`${n.usersRm}: another user's entry at or above the sender cannot be changed or removed`, () => {
    const peer = withState(room, powerLevels(room, { ...current, ...users({ [CAROL]: 50 }) }));
    const demoteCarol = powerLevels(room, { ...current, ...users({ [CAROL]: 0 }) }, BOB);
    expectRejected(authorizeEvent(room.rules, demoteCarol, lookup(peer)), n.usersRm);
    const removeCarol = powerLevels(room, current, BOB);
    expectRejected(authorizeEvent(room.rules, removeCarol, lookup(peer)), n.usersRm);
    expectAllowed(check(change(users({ [DAVE]: 0 })))); // 20 < 50
    expectAllowed(check(change(users({ [BOB]: 10 })))); // demoting oneself is fine
  });
  it(`${n.usersAdd}: no user may be given a level above the sender`, () => {
    expectRejected(check(change(users({ [CAROL]: 51 }))), n.usersAdd);
    expectRejected(check(change(users({ [BOB]: 51 }))), n.usersAdd);
    expectAllowed(check(change(users({ [CAROL]: 50 }))));
  });
  it(`${n.mapAdd}: event types named like Object.prototype members are ordinary keys`, () => {
    const events = current["events"] as JsonObject;
    const odd = JSON.parse('{"constructor": 10, "toString": 20, "__proto__": 30}') as JsonObject;
    expect(Object.keys(odd)).toContain("__proto__");
    expectAllowed(check(change({ events: { ...events, ...odd } })));
    expectRejected(check(change({ events: { ...events, constructor: 51 } })), n.mapAdd);
  });
  it("the sender's level comes from the current state, not the new event", () => {
    expectRejected(check(change({ ban: 75, ...users({ [BOB]: 80 }) })), `${n.top}.2`);
  });
});

describe("room version 12, creators and power levels", () => {
  const base = standardRoom("12", "invite", {}, { additional_creators: [BOB] });
  const room = withState(base, member(base, BOB, BOB, "join"), member(base, DAVE, DAVE, "join"));
  const check = (content: JsonObject, sender = ALICE) => authorizeEvent(room.rules, powerLevels(room, content, sender), lookup(room));

  it("10.4: the create event's sender cannot be listed in users", () => {
    expectRejected(check({ users: { [ALICE]: 100 } }), "10.4");
  });
  it("10.4: an additional creator cannot be listed in users", () => {
    expectRejected(check({ users: { [BOB]: 100 } }), "10.4");
  });
  it("10.4: other users can be listed", () => {
    expectAllowed(check({ users: { [DAVE]: 100 } }));
  });
  it("10.6.2 / 10.10.1: a creator may set any finite level", () => {
    expectAllowed(check({ ban: 9007199254740991, users: { [DAVE]: 9007199254740991 } }, BOB));
  });
  it("10.9.1: a non-creator at the top finite level still cannot touch an equal peer", () => {
    const levels = withState(room, powerLevels(room, { users: { [DAVE]: 100, [CAROL]: 100 } }));
    const demote = powerLevels(room, { users: { [DAVE]: 100, [CAROL]: 0 } }, DAVE);
    expectRejected(authorizeEvent(room.rules, demote, lookup(levels)), "10.9.1");
  });
  it("10.11: otherwise allowed", () => {
    expectAllowed(check({ users: { [DAVE]: 50 }, events_default: 0 }));
  });
  it("10.4: pre-v12 rooms may list the creator", () => {
    const v11 = standardRoom("11");
    expectAllowed(authorizeEvent(v11.rules, powerLevels(v11, { users: { [ALICE]: 100 } }), lookup(v11)));
  });
});
