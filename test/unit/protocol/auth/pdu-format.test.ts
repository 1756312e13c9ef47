// The PDU format check: required fields and their types, canonical JSON from v6, size limits.
import { describe, expect, it } from "vitest";
import { checkPduFormat, type PduFormatError } from "../../../../src/protocol/auth/pdu-format";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { rulesFor } from "../../../support/auth-room";

const v10 = rulesFor("10");
const v12 = rulesFor("12");

const valid: JsonObject = {
  room_id: "!room:a.example",
  sender: "@alice:a.example",
  origin_server_ts: 1700000000000,
  type: "m.room.message",
  content: { body: "hi", msgtype: "m.text" },
  prev_events: ["$prev"],
  auth_events: ["$create", "$pl", "$member"],
  depth: 5,
  hashes: { sha256: "aGFzaA" },
  signatures: { "a.example": { "ed25519:1": "c2ln" } },
  unsigned: { age: 3 },
};

function error(rules = v10, pdu: unknown): PduFormatError | undefined {
  const r = checkPduFormat(rules, pdu);
  return r.ok ? undefined : r.error;
}

describe("checkPduFormat", () => {
  it("accepts a well-formed event and returns it as a Pdu", () => {
    const r = checkPduFormat(v10, valid);
    expect(r.ok && r.value.type).toBe("m.room.message");
  });
  it("rejects non-objects", () => {
    expect(error(v10, [])?.reason).toBe("not_an_object");
    expect(error(v10, "event")?.reason).toBe("not_an_object");
  });
  it.each(["room_id", "sender", "origin_server_ts", "type", "content", "prev_events", "auth_events", "depth", "hashes", "signatures"])(
    "requires %s",
    (field) => {
      const { [field]: _gone, ...rest } = valid;
      expect(error(v10, rest)).toMatchObject({ reason: "missing_field", field });
    },
  );
  it.each<[string, unknown]>([
    ["type", 5],
    ["sender", ["@alice:a.example"]],
    ["sender", "alice"],
    ["room_id", "room:a.example"],
    ["origin_server_ts", "1700000000000"],
    ["depth", "5"],
    ["content", "hi"],
    ["content", null],
    ["prev_events", "$prev"],
    ["prev_events", [1]],
    ["auth_events", [{ id: "$x" }]],
    ["hashes", { sha512: "x" }],
    ["signatures", { "a.example": "sig" }],
    ["signatures", { "a.example": { "ed25519:1": 5 } }],
    ["state_key", 0],
    ["unsigned", []],
    ["redacts", 7],
  ])("rejects a wrongly typed %s (%j)", (field, value) => {
    expect(error(v10, { ...valid, [field]: value })).toMatchObject({ reason: "wrong_type", field });
  });
  it("v11+ ignores a top-level redacts (it moved into content)", () => {
    expect(error(rulesFor("11"), { ...valid, redacts: 7 })).toBeUndefined();
  });
  it("rejects events over 65536 bytes of canonical JSON, signatures included", () => {
    const sized = (n: number): JsonObject => ({ ...valid, content: { body: "x".repeat(n) } });
    // Find the body length that makes the canonical event exactly 65536 bytes.
    let n = 65536 - 400;
    while (checkPduFormat(v10, sized(n + 1)).ok) n++;
    expect(error(v10, sized(n))).toBeUndefined();
    expect(error(v10, sized(n + 1))?.reason).toBe("too_large");
    const bigSignatures = { ...sized(n), signatures: { "a.example": { "ed25519:1": "c2ln", "ed25519:2": "x" } } };
    expect(error(v10, bigSignatures)?.reason).toBe("too_large");
  });
  it("counts bytes, not characters", () => {
    expect(error(v10, { ...valid, content: { body: "é".repeat(33000) } })?.reason).toBe("too_large");
  });
  it.each(["sender", "room_id", "type", "state_key"])("limits %s to 255 bytes", (field) => {
    const prefix = field === "sender" ? "@" : field === "room_id" ? "!" : "";
    const suffix = field === "sender" || field === "room_id" ? ":a.example" : "";
    const make = (len: number) => prefix + "a".repeat(len - prefix.length - suffix.length) + suffix;
    expect(error(v10, { ...valid, [field]: make(255) })).toBeUndefined();
    expect(error(v10, { ...valid, [field]: make(256) })).toMatchObject({ field });
  });
  it("limits referenced event IDs to 255 bytes and their counts to 20 prev and 10 auth events", () => {
    expect(error(v10, { ...valid, prev_events: ["$" + "a".repeat(255)] })).toMatchObject({ reason: "too_long" });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `$e${i}`);
    expect(error(v10, { ...valid, prev_events: ids(20), auth_events: ids(10) })).toBeUndefined();
    expect(error(v10, { ...valid, prev_events: ids(21) })).toMatchObject({ reason: "too_many_references" });
    expect(error(v10, { ...valid, auth_events: ids(11) })).toMatchObject({ reason: "too_many_references" });
  });
  it("v6+: floats and out-of-range integers are not canonical JSON", () => {
    expect(error(v10, { ...valid, content: { n: 1.5 } })?.reason).toBe("not_canonical");
    expect(error(v10, { ...valid, depth: 2 ** 53 })?.reason).toBe("not_canonical");
    expect(error(v10, { ...valid, origin_server_ts: 1.5 })?.reason).toBe("not_canonical");
  });
  it("v3–v5 tolerate floats in content but still need integer top-level numbers", () => {
    const v5 = rulesFor("5");
    expect(error(v5, { ...valid, content: { users: { "@a:b": 50.5 } } })).toBeUndefined();
    expect(error(v5, { ...valid, depth: 1.5 })).toMatchObject({ reason: "wrong_type", field: "depth" });
  });
  it("v12: the create event has no room_id; every other event needs one", () => {
    const create: JsonObject = { ...valid, type: "m.room.create", state_key: "", prev_events: [], auth_events: [] };
    const { room_id: _r, ...noRoom } = create;
    expect(error(v12, noRoom)).toBeUndefined();
    expect(error(v10, noRoom)).toMatchObject({ reason: "missing_field", field: "room_id" });
    const { room_id: _m, ...messageNoRoom } = valid;
    expect(error(v12, messageNoRoom)).toMatchObject({ reason: "missing_field", field: "room_id" });
  });
  it("room versions 1 and 2 use another PDU shape and are not handled here", () => {
    expect(error(rulesFor("1"), valid)?.reason).toBe("unsupported_format");
  });
});
