// The redaction algorithm per room version: exactly the top-level and content keys each version's spec lists.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../src/protocol/json-value";
import { redactEvent } from "../../../src/protocol/redaction";
import { ROOM_VERSIONS, roomVersionRules, type RoomVersionRules } from "../../../src/protocol/room-versions";

const rules = (id: string): RoomVersionRules => {
  const r = roomVersionRules(id);
  if (!r) throw new Error(`unknown room version ${id}`);
  return r;
};

/** Every top-level key an event could carry, including ones no version protects. */
const envelope = (type: string, content: JsonObject, extra: JsonObject = {}): JsonObject => ({
  event_id: "$e:x",
  type,
  room_id: "!r:x",
  sender: "@u:x",
  state_key: "",
  content,
  hashes: { sha256: "abc" },
  signatures: { x: { "ed25519:1": "sig" } },
  depth: 4,
  prev_events: ["$p"],
  prev_state: [],
  auth_events: ["$a"],
  origin: "x",
  origin_server_ts: 1234,
  membership: "join",
  unsigned: { age: 5 },
  redacts: "$target",
  other_key: "dropped",
  ...extra,
});

const PRE_V11_TOP = [
  "auth_events", "content", "depth", "event_id", "hashes", "membership", "origin", "origin_server_ts",
  "prev_events", "prev_state", "room_id", "sender", "signatures", "state_key", "type",
];
const V11_TOP = [
  "auth_events", "content", "depth", "event_id", "hashes", "origin_server_ts", "prev_events", "room_id",
  "sender", "signatures", "state_key", "type",
];

describe("top-level keys", () => {
  it.each(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])("v%s keeps the pre-v11 list, drops unsigned and the rest", (v) => {
    const redacted = redactEvent(rules(v), envelope("m.room.message", { body: "hi" }));
    expect(Object.keys(redacted).sort()).toEqual(PRE_V11_TOP);
    expect(redacted["signatures"]).toEqual({ x: { "ed25519:1": "sig" } });
    expect(redacted["hashes"]).toEqual({ sha256: "abc" });
  });
  it.each(["11", "12"])("v%s no longer keeps origin, membership, prev_state", (v) => {
    const redacted = redactEvent(rules(v), envelope("m.room.message", { body: "hi" }));
    expect(Object.keys(redacted).sort()).toEqual(V11_TOP);
  });
  it("does not invent absent keys, but always leaves a content object", () => {
    expect(redactEvent(rules("12"), { type: "m.room.message", sender: "@u:x" })).toEqual({
      type: "m.room.message",
      sender: "@u:x",
      content: {},
    });
  });
  it("does not modify its input", () => {
    const event = envelope("m.room.message", { body: "hi" });
    const copy = structuredClone(event);
    redactEvent(rules("1"), event);
    expect(event).toEqual(copy);
  });
});

const CREATE = { creator: "@u:x", room_version: "1", "m.federate": false, predecessor: { room_id: "!old:x" }, additional_creators: ["@v:y"] };
const MEMBER = {
  membership: "join",
  displayname: "U",
  avatar_url: "mxc://x/y",
  join_authorised_via_users_server: "@admin:x",
  reason: "because",
  third_party_invite: { display_name: "u@example.com", signed: { mxid: "@u:x", token: "t", signatures: {} } },
};
const JOIN_RULES = { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!s:x" }], other: 1 };
const POWER_LEVELS = {
  ban: 50, events: { "m.room.name": 50 }, events_default: 0, invite: 0, kick: 50, redact: 50, state_default: 50,
  users: { "@u:x": 100 }, users_default: 0, notifications: { room: 50 }, historical: 100,
};
const HISTORY = { history_visibility: "shared", extra: true };
const ALIASES = { aliases: ["#a:x"], extra: true };
const REDACTION = { redacts: "$target", reason: "spam" };

const content = (v: string, type: string, c: JsonObject): JsonObject => {
  const redacted = redactEvent(rules(v), envelope(type, c));
  return redacted["content"] as JsonObject;
};

// Expected content per version, straight from the spec's per-version lists.
const expectations: Record<string, Record<string, JsonObject>> = {
  "1": {
    "m.room.create": { creator: "@u:x" },
    "m.room.member": { membership: "join" },
    "m.room.join_rules": { join_rule: "restricted" },
    "m.room.power_levels": { ban: 50, events: { "m.room.name": 50 }, events_default: 0, kick: 50, redact: 50, state_default: 50, users: { "@u:x": 100 }, users_default: 0 },
    "m.room.history_visibility": { history_visibility: "shared" },
    "m.room.aliases": { aliases: ["#a:x"] },
    "m.room.redaction": {},
  },
  "6": {
    "m.room.create": { creator: "@u:x" },
    "m.room.member": { membership: "join" },
    "m.room.join_rules": { join_rule: "restricted" },
    "m.room.power_levels": { ban: 50, events: { "m.room.name": 50 }, events_default: 0, kick: 50, redact: 50, state_default: 50, users: { "@u:x": 100 }, users_default: 0 },
    "m.room.history_visibility": { history_visibility: "shared" },
    "m.room.aliases": {},
    "m.room.redaction": {},
  },
  "8": {
    "m.room.create": { creator: "@u:x" },
    "m.room.member": { membership: "join" },
    "m.room.join_rules": { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!s:x" }] },
    "m.room.power_levels": { ban: 50, events: { "m.room.name": 50 }, events_default: 0, kick: 50, redact: 50, state_default: 50, users: { "@u:x": 100 }, users_default: 0 },
    "m.room.history_visibility": { history_visibility: "shared" },
    "m.room.aliases": {},
    "m.room.redaction": {},
  },
  "9": {
    "m.room.create": { creator: "@u:x" },
    "m.room.member": { membership: "join", join_authorised_via_users_server: "@admin:x" },
    "m.room.join_rules": { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!s:x" }] },
    "m.room.power_levels": { ban: 50, events: { "m.room.name": 50 }, events_default: 0, kick: 50, redact: 50, state_default: 50, users: { "@u:x": 100 }, users_default: 0 },
    "m.room.history_visibility": { history_visibility: "shared" },
    "m.room.aliases": {},
    "m.room.redaction": {},
  },
  "11": {
    "m.room.create": CREATE,
    "m.room.member": {
      membership: "join",
      join_authorised_via_users_server: "@admin:x",
      third_party_invite: { signed: { mxid: "@u:x", token: "t", signatures: {} } },
    },
    "m.room.join_rules": { join_rule: "restricted", allow: [{ type: "m.room_membership", room_id: "!s:x" }] },
    "m.room.power_levels": { ban: 50, events: { "m.room.name": 50 }, events_default: 0, invite: 0, kick: 50, redact: 50, state_default: 50, users: { "@u:x": 100 }, users_default: 0 },
    "m.room.history_visibility": { history_visibility: "shared" },
    "m.room.aliases": {},
    "m.room.redaction": { redacts: "$target" },
  },
};
expectations["12"] = expectations["11"]!;
// Versions sharing an algorithm with a tested one must agree with it.
const sameAs: Record<string, string> = { "2": "1", "3": "1", "4": "1", "5": "1", "7": "6", "10": "9" };

const inputs: Record<string, JsonObject> = {
  "m.room.create": CREATE,
  "m.room.member": MEMBER,
  "m.room.join_rules": JOIN_RULES,
  "m.room.power_levels": POWER_LEVELS,
  "m.room.history_visibility": HISTORY,
  "m.room.aliases": ALIASES,
  "m.room.redaction": REDACTION,
};

describe.each(Object.keys(expectations))("room version %s content", (v) => {
  it.each(Object.keys(inputs))("%s keeps exactly the listed keys", (type) => {
    expect(content(v, type, inputs[type]!)).toEqual(expectations[v]![type]);
  });
  it.each(["m.room.message", "m.room.name", "m.room.topic", "m.room.encryption", "org.example.custom"])(
    "%s loses all content",
    (type) => {
      expect(content(v, type, { body: "x", name: "n", topic: "t", algorithm: "a", membership: "join", creator: "@u:x" })).toEqual({});
    },
  );
});

describe("versions sharing an algorithm", () => {
  it.each(Object.entries(sameAs))("v%s redacts like v%s", (v, like) => {
    for (const type of Object.keys(inputs)) expect(content(v, type, inputs[type]!)).toEqual(expectations[like]![type]);
  });
  it("every known version is covered", () => {
    for (const id of ROOM_VERSIONS.keys()) expect(id in expectations || id in sameAs).toBe(true);
  });
});

describe("edge cases", () => {
  it("v11 keeps a third_party_invite object without `signed` as an empty object, and drops a non-object", () => {
    expect(content("11", "m.room.member", { membership: "invite", third_party_invite: { display_name: "d" } })).toEqual({
      membership: "invite",
      third_party_invite: {},
    });
    expect(content("11", "m.room.member", { membership: "invite", third_party_invite: "nope" })).toEqual({ membership: "invite" });
  });
  it("pre-v11 drops third_party_invite entirely", () => {
    expect(content("10", "m.room.member", { membership: "invite", third_party_invite: { signed: {} } })).toEqual({ membership: "invite" });
  });
  it("v11 create keeps all content, v1 keeps only creator", () => {
    expect(content("11", "m.room.create", { room_version: "11", anything: { deep: [1] } })).toEqual({ room_version: "11", anything: { deep: [1] } });
    expect(content("1", "m.room.create", { room_version: "1" })).toEqual({});
  });
  it("a non-object content becomes an empty object", () => {
    expect(redactEvent(rules("9"), { type: "m.room.member", content: "oops" })["content"]).toEqual({});
  });
  it("redacting twice changes nothing", () => {
    for (const v of ROOM_VERSIONS.values())
      for (const type of Object.keys(inputs)) {
        const once = redactEvent(v, envelope(type, inputs[type]!));
        expect(redactEvent(v, once)).toEqual(once);
      }
  });
});
