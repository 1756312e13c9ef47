// Content hashes, reference hashes and the event and room IDs built on them.
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { encodeBase64, encodeBase64Url } from "../../../src/protocol/base64";
import { canonicalJson } from "../../../src/protocol/canonical-json";
import { computeContentHash, hasValidContentHash } from "../../../src/protocol/content-hash";
import { computeEventId, roomIdFromCreateEvent } from "../../../src/protocol/event-id";
import type { JsonObject } from "../../../src/protocol/json-value";
import { redactEvent } from "../../../src/protocol/redaction";
import { referenceHash, tryReferenceHash } from "../../../src/protocol/reference-hash";
import { roomVersionRules, type RoomVersionRules } from "../../../src/protocol/room-versions";

const rules = (id: string): RoomVersionRules => {
  const r = roomVersionRules(id);
  if (!r) throw new Error(`unknown room version ${id}`);
  return r;
};
const hash = (v: unknown) => sha256(new TextEncoder().encode(canonicalJson(v)));

const event: JsonObject = {
  room_id: "!r:x",
  sender: "@u:x",
  type: "m.room.message",
  content: { body: "hello", "é": "ü" },
  origin_server_ts: 1,
  prev_events: [],
  auth_events: [],
  depth: 1,
  origin: "x",
};

describe("content hash", () => {
  it("is the unpadded base64 sha256 of the canonical event without unsigned, signatures, hashes", () => {
    expect(computeContentHash(event)).toBe(encodeBase64(hash(event)));
    const decorated = { ...event, unsigned: { age: 3 }, signatures: { x: { "ed25519:1": "s" } }, hashes: { sha256: "old" } };
    expect(computeContentHash(decorated)).toBe(computeContentHash(event));
    expect(computeContentHash(event)).not.toMatch(/=/);
  });
  it("covers unprotected content", () => {
    expect(computeContentHash({ ...event, content: { body: "other" } })).not.toBe(computeContentHash(event));
  });
  it("validates against hashes.sha256, accepting padding, rejecting anything malformed", () => {
    const h = computeContentHash(event);
    expect(hasValidContentHash({ ...event, hashes: { sha256: h } })).toBe(true);
    expect(hasValidContentHash({ ...event, hashes: { sha256: h + "=" } })).toBe(true);
    expect(hasValidContentHash({ ...event, hashes: { sha256: h.replace(/^./, (c) => (c === "A" ? "B" : "A")) } })).toBe(false);
    expect(hasValidContentHash(event)).toBe(false);
    expect(hasValidContentHash({ ...event, hashes: { sha256: 5 } })).toBe(false);
    expect(hasValidContentHash({ ...event, hashes: { sha256: "!!!" } })).toBe(false);
    expect(hasValidContentHash({ ...event, hashes: { sha256: "AAAA" } })).toBe(false);
    expect(hasValidContentHash({ ...event, depth: 1.5, hashes: { sha256: h } })).toBe(false);
  });
});

describe("reference hash", () => {
  it("hashes the redacted event without signatures and unsigned", () => {
    const full = { ...event, hashes: { sha256: "h" }, signatures: { x: { "ed25519:1": "s" } }, unsigned: { age: 1 } };
    const { signatures: _s, ...redacted } = redactEvent(rules("11"), full);
    expect(referenceHash(rules("11"), full)).toEqual(hash(redacted));
  });
  it("ignores non-essential content and signatures, but not essential fields", () => {
    const r = rules("10");
    expect(referenceHash(r, { ...event, content: {} })).toEqual(referenceHash(r, event));
    expect(referenceHash(r, { ...event, signatures: { y: {} } })).toEqual(referenceHash(r, event));
    expect(referenceHash(r, { ...event, depth: 2 })).not.toEqual(referenceHash(r, event));
  });
  it("depends on the version's redaction (origin is protected before v11 only)", () => {
    expect(referenceHash(rules("10"), { ...event, origin: "y" })).not.toEqual(referenceHash(rules("10"), event));
    expect(referenceHash(rules("11"), { ...event, origin: "y" })).toEqual(referenceHash(rules("11"), event));
  });
  it("reports events that have no canonical form", () => {
    expect(tryReferenceHash(rules("11"), { ...event, depth: 1.5 })).toMatchObject({ ok: false, error: { reason: "float" } });
  });
});

describe("event IDs", () => {
  it("v3 uses standard base64 and v4+ URL-safe base64 of the same reference hash", () => {
    const h = referenceHash(rules("3"), event);
    expect(computeEventId(rules("3"), event)).toEqual({ ok: true, value: "$" + encodeBase64(h) });
    for (const v of ["4", "5", "9", "10"]) expect(computeEventId(rules(v), event)).toEqual({ ok: true, value: "$" + encodeBase64Url(h) });
  });
  it("v4+ IDs never contain + or /", () => {
    for (let i = 0; i < 50; i++) {
      const id = computeEventId(rules("11"), { ...event, depth: i });
      expect(id.ok && id.value).toMatch(/^\$[A-Za-z0-9_-]{43}$/);
    }
  });
  it("v1/v2 read event_id from the event, or say it is missing", () => {
    expect(computeEventId(rules("1"), { ...event, event_id: "$abc:x" })).toEqual({ ok: true, value: "$abc:x" });
    expect(computeEventId(rules("2"), event)).toEqual({ ok: false, error: { _tag: "EventIdError", reason: "missing_event_id" } });
  });
  it("reports events that cannot be hashed", () => {
    expect(computeEventId(rules("11"), { ...event, depth: 2 ** 60 })).toEqual({
      ok: false,
      error: { _tag: "EventIdError", reason: "not_canonical" },
    });
  });
});

describe("v12 room IDs", () => {
  it("are the create event's ID with the ! sigil", () => {
    const create: JsonObject = {
      sender: "@alice:a.example",
      type: "m.room.create",
      state_key: "",
      content: { room_version: "12" },
      origin_server_ts: 1,
      prev_events: [],
      auth_events: [],
      depth: 1,
      hashes: { sha256: "x" },
    };
    const roomId = roomIdFromCreateEvent(rules("12"), create);
    const eventId = computeEventId(rules("12"), create);
    expect(eventId.ok && "!" + eventId.value.slice(1)).toBe(roomId);
    expect(roomId).toMatch(/^![A-Za-z0-9_-]{43}$/);
  });
});

describe("room versions 1–5 tolerate non-canonical numbers (known gap in lead-owned canonical-json.ts)", () => {
  // v1–v5 power levels may legally hold floats (rooms/fragments/v1-floaty-power-levels.md) and the
  // appendix asks servers to handle such JSON where possible. `users` survives redaction, so the
  // reference hash must encode the float; encodeCanonicalJson rejects floats for every version.
  // `it.fails` keeps the suite green while documenting the gap; remove `.fails` once a lenient mode exists.
  it.fails("a v5 power levels event with a float level has an event ID", () => {
    const pl: JsonObject = { ...event, type: "m.room.power_levels", state_key: "", content: { users: { "@bob:x": 50.57 } } };
    expect(computeEventId(rules("5"), pl).ok).toBe(true);
  });
});
