// The test room builder: its events are correctly hashed and signed, IDs and auth events follow the spec.
import { describe, expect, it } from "vitest";
import { hasValidContentHash } from "../../../src/protocol/content-hash";
import { computeEventId } from "../../../src/protocol/event-id";
import { verifyEventSignatures } from "../../../src/protocol/event-signing";
import type { JsonObject } from "../../../src/protocol/json-value";
import { stateKeyString } from "../../../src/protocol/pdu";
import { referenceHash } from "../../../src/protocol/reference-hash";
import { encodeBase64Url } from "../../../src/protocol/base64";
import { RoomBuilder, testKeyLookup, testSigningKey } from "../../support/room-builder";

const asJson = (pdu: unknown): JsonObject => pdu as JsonObject;

describe.each(["3", "4", "6", "8", "9", "10", "11", "12"])("room version %s", (version) => {
  const room = new RoomBuilder({ version, creator: "@alice:a.example" });
  room.send({ type: "m.room.member", sender: "@bob:b.example", stateKey: "@bob:b.example", content: { membership: "join" } });
  room.send({ type: "m.room.message", sender: "@bob:b.example", content: { msgtype: "m.text", body: "hi" } });

  it("every event has a valid content hash and verifies with the fixed keys", () => {
    for (const e of room.events) {
      expect(hasValidContentHash(asJson(e.pdu))).toBe(true);
      expect(verifyEventSignatures(room.rules, asJson(e.pdu), room.keyLookup)).toEqual({ ok: true, value: undefined });
      expect(computeEventId(room.rules, asJson(e.pdu))).toEqual({ ok: true, value: e.eventId });
    }
  });

  it("links events in a chain with increasing depth", () => {
    const [create, ...rest] = room.events;
    expect(create!.pdu.prev_events).toEqual([]);
    expect(create!.pdu.depth).toBe(1);
    rest.forEach((e, i) => {
      expect(e.pdu.prev_events).toEqual([room.events[i]!.eventId]);
      expect(e.pdu.depth).toBe(i + 2);
    });
    expect(room.forwardExtremities()).toEqual([room.events.at(-1)!.eventId]);
  });

  it("selects auth events per the spec (create event only before v12)", () => {
    const s = room.state();
    const id = (type: string, key: string) => s.get(stateKeyString(type, key))!;
    const bobJoin = room.stateEvent("m.room.member", "@bob:b.example")!;
    const expected = [
      ...(version === "12" ? [] : [id("m.room.create", "")]),
      id("m.room.power_levels", ""),
      id("m.room.join_rules", ""),
    ];
    expect([...bobJoin.pdu.auth_events].sort()).toEqual(expected.sort());
    const message = room.events.at(-1)!;
    expect([...message.pdu.auth_events].sort()).toEqual(
      [...(version === "12" ? [] : [id("m.room.create", "")]), id("m.room.power_levels", ""), bobJoin.eventId].sort(),
    );
  });

  it("tracks state", () => {
    const s = room.state();
    expect([...s.keys()].sort()).toEqual(
      [
        stateKeyString("m.room.create", ""),
        stateKeyString("m.room.member", "@alice:a.example"),
        stateKeyString("m.room.member", "@bob:b.example"),
        stateKeyString("m.room.power_levels", ""),
        stateKeyString("m.room.join_rules", ""),
      ].sort(),
    );
  });

  it("uses the version's create content", () => {
    const content = room.createEvent.pdu.content;
    expect(content["room_version"]).toBe(version);
    expect("creator" in content).toBe(Number(version) < 11);
  });
});

describe("v12 room IDs", () => {
  it("are ! plus the URL-safe reference hash of the create event, which has no room_id", () => {
    const room = new RoomBuilder({ version: "12", creator: "@alice:a.example" });
    const create = room.createEvent;
    expect(create.pdu.room_id).toBeUndefined();
    expect(room.roomId).toBe("!" + encodeBase64Url(referenceHash(room.rules, asJson(create.pdu))));
    expect(room.roomId).toBe("!" + create.eventId.slice(1));
    for (const e of room.events.slice(1)) expect(e.pdu.room_id).toBe(room.roomId);
  });
  it("are deterministic", () => {
    const a = new RoomBuilder({ version: "12", creator: "@alice:a.example" });
    const b = new RoomBuilder({ version: "12", creator: "@alice:a.example" });
    expect(a.roomId).toBe(b.roomId);
    expect(a.events.map((e) => e.eventId)).toEqual(b.events.map((e) => e.eventId));
  });
  it("do not list creators in power levels", () => {
    const room = new RoomBuilder({ version: "12", creator: "@alice:a.example" });
    expect(room.stateEvent("m.room.power_levels", "")!.pdu.content["users"]).toEqual({});
  });
});

describe("forks", () => {
  it("builds two branches from one point and merges them with explicit state", () => {
    const room = new RoomBuilder({ version: "11", creator: "@alice:a.example" });
    const base = room.events.at(-1)!.eventId;
    const a = room.send({ type: "m.room.topic", sender: "@alice:a.example", stateKey: "", content: { topic: "A" }, prevEvents: [base] });
    const b = room.send({ type: "m.room.topic", sender: "@alice:a.example", stateKey: "", content: { topic: "B" }, prevEvents: [base] });
    expect(a.pdu.depth).toBe(b.pdu.depth);
    expect(new Set(room.forwardExtremities())).toEqual(new Set([a.eventId, b.eventId]));
    const topicKey = stateKeyString("m.room.topic", "");
    expect(room.state(a.eventId).get(topicKey)).toBe(a.eventId);
    expect(room.state(b.eventId).get(topicKey)).toBe(b.eventId);

    const resolved = new Map(room.state(a.eventId));
    const merge = room.send({ type: "m.room.message", sender: "@alice:a.example", content: { body: "m" }, stateBefore: resolved });
    expect(new Set(merge.pdu.prev_events)).toEqual(new Set([a.eventId, b.eventId]));
    expect(merge.pdu.depth).toBe(a.pdu.depth + 1);
    expect(room.state(merge.eventId).get(topicKey)).toBe(a.eventId);
    expect(room.forwardExtremities()).toEqual([merge.eventId]);
  });
});

describe("special events", () => {
  it("places redacts at top level before v11 and in content from v11", () => {
    const old = new RoomBuilder({ version: "10", creator: "@alice:a.example" });
    const r10 = old.send({ type: "m.room.redaction", sender: "@alice:a.example", content: {}, redacts: "$x" });
    expect(r10.pdu.redacts).toBe("$x");
    const v11 = new RoomBuilder({ version: "11", creator: "@alice:a.example" });
    const r11 = v11.send({ type: "m.room.redaction", sender: "@alice:a.example", content: {}, redacts: "$x" });
    expect(r11.pdu.content["redacts"]).toBe("$x");
    expect(r11.pdu.redacts).toBeUndefined();
  });

  it("co-signs restricted joins by the authorising server and includes its member event", () => {
    const room = new RoomBuilder({ version: "10", creator: "@alice:a.example", joinRule: "restricted" });
    const join = room.send({
      type: "m.room.member",
      sender: "@carol:c.example",
      stateKey: "@carol:c.example",
      content: { membership: "join", join_authorised_via_users_server: "@alice:a.example" },
    });
    expect(Object.keys(join.pdu.signatures).sort()).toEqual(["a.example", "c.example"]);
    expect(join.pdu.auth_events).toContain(room.stateEvent("m.room.member", "@alice:a.example")!.eventId);
    expect(verifyEventSignatures(room.rules, asJson(join.pdu), testKeyLookup).ok).toBe(true);
  });

  it("derives keys from the server name", () => {
    expect(testSigningKey("a.example").seed).toEqual(testSigningKey("a.example").seed);
    expect(testSigningKey("a.example").seed).not.toEqual(testSigningKey("b.example").seed);
  });

  it("refuses room versions 1 and 2, whose PDU shape differs", () => {
    expect(() => new RoomBuilder({ version: "1", creator: "@alice:a.example" })).toThrow();
  });
});
