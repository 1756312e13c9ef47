// Rule 1 (m.room.create) of room versions 10, 11 and 12, from the spec text.
import { describe, it } from "vitest";
import { authorizeEvent } from "../../../../src/protocol/auth/authorize-event";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { expectAllowed, expectRejected } from "../../../support/auth-assert";
import { ALICE, lookupOf, rulesFor } from "../../../support/auth-room";
import { makeEvent } from "../../../support/events";

const create = (content: JsonObject, extra: { prevEvents?: string[]; roomId?: string | null; sender?: string } = {}) =>
  makeEvent({
    id: "$create",
    type: "m.room.create",
    sender: extra.sender ?? ALICE,
    stateKey: "",
    content,
    prevEvents: extra.prevEvents ?? [],
    roomId: extra.roomId === undefined ? "!room:a.example" : extra.roomId,
  });
const none = lookupOf([]);

describe("room version 10, rule 1", () => {
  const rules = rulesFor("10");
  const ok = { creator: ALICE, room_version: "10" };
  it("1.5: a well-formed create event is allowed", () => {
    expectAllowed(authorizeEvent(rules, create(ok), none));
  });
  it("1.1: a create event with prev_events is rejected", () => {
    expectRejected(authorizeEvent(rules, create(ok, { prevEvents: ["$x"] }), none), "1.1");
  });
  it("1.2: the room_id domain must match the sender's domain", () => {
    expectRejected(authorizeEvent(rules, create(ok, { roomId: "!room:other.example" }), none), "1.2");
    expectAllowed(authorizeEvent(rules, create(ok, { roomId: "!x:a.example" }), none));
  });
  it("1.3: an unrecognised content.room_version is rejected; an absent one is fine", () => {
    expectRejected(authorizeEvent(rules, create({ creator: ALICE, room_version: "999" }), none), "1.3");
    expectRejected(authorizeEvent(rules, create({ creator: ALICE, room_version: 10 }), none), "1.3");
    expectAllowed(authorizeEvent(rules, create({ creator: ALICE }), none));
  });
  it("1.4: content without creator is rejected", () => {
    expectRejected(authorizeEvent(rules, create({ room_version: "10" }), none), "1.4");
  });
});

describe("room version 11, rule 1", () => {
  const rules = rulesFor("11");
  it("1.4: creator is no longer required (the creator is the sender)", () => {
    expectAllowed(authorizeEvent(rules, create({ room_version: "11" }), none));
  });
  it("1.2: the room_id domain must still match the sender's", () => {
    expectRejected(authorizeEvent(rules, create({}, { roomId: "!room:b.example" }), none), "1.2");
  });
});

describe("room version 12, rule 1", () => {
  const rules = rulesFor("12");
  const v12 = (content: JsonObject, extra: { prevEvents?: string[]; roomId?: string | null } = {}) =>
    create(content, { roomId: null, ...extra });
  it("1.5: a create event without room_id is allowed", () => {
    expectAllowed(authorizeEvent(rules, v12({ room_version: "12" }), none));
  });
  it("1.1: a create event with prev_events is rejected", () => {
    expectRejected(authorizeEvent(rules, v12({}, { prevEvents: ["$x"] }), none), "1.1");
  });
  it("1.2: a create event with a room_id is rejected", () => {
    expectRejected(authorizeEvent(rules, v12({}, { roomId: "!room:a.example" }), none), "1.2");
  });
  it("1.3: an unrecognised room_version is rejected", () => {
    expectRejected(authorizeEvent(rules, v12({ room_version: "13" }), none), "1.3");
  });
  it("1.4: additional_creators must be an array of valid user IDs", () => {
    expectAllowed(authorizeEvent(rules, v12({ additional_creators: ["@bob:b.example", "@CAPS and spaces:c.example"] }), none));
    expectAllowed(authorizeEvent(rules, v12({ additional_creators: [] }), none));
    expectRejected(authorizeEvent(rules, v12({ additional_creators: "@bob:b.example" }), none), "1.4");
    expectRejected(authorizeEvent(rules, v12({ additional_creators: ["bob"] }), none), "1.4");
    expectRejected(authorizeEvent(rules, v12({ additional_creators: ["@bob"] }), none), "1.4");
    expectRejected(authorizeEvent(rules, v12({ additional_creators: ["@bob:bad_server!"] }), none), "1.4");
    expectRejected(authorizeEvent(rules, v12({ additional_creators: [42] }), none), "1.4");
  });
  it("1.4: creator is not required in v12", () => {
    expectAllowed(authorizeEvent(rules, v12({}), none));
  });
});
