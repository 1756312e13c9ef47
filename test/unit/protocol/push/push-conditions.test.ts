// Each condition kind on its own, with the spec's examples and the cases where it must not match.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { conditionMatches, type PushEvaluationContext } from "../../../../src/protocol/push/push-condition-match";
import type { PushCondition } from "../../../../src/protocol/push/push-rule";

const ctx: PushEvaluationContext = {
  userId: "@alice:example.org",
  displayName: "Alice",
  memberCount: 10,
  senderPowerLevel: 50,
  notificationPowerLevels: {},
};
const holds = (condition: PushCondition, event: JsonObject, context = ctx) => conditionMatches(condition, event, context);

const topic = (value: JsonObject[string]): JsonObject => ({ type: "m.room.topic", state_key: "", content: { topic: value } });

describe("event_match", () => {
  const cond: PushCondition = { kind: "event_match", key: "content.topic", pattern: "lunc?*" };
  it("matches the spec example and not its counter-examples", () => {
    expect(holds(cond, topic("Lunch plans"))).toBe(true);
    expect(holds(cond, topic("LUNCH"))).toBe(true);
    expect(holds(cond, topic(" lunch"))).toBe(false);
    expect(holds(cond, topic("lunc"))).toBe(false);
    expect(holds(cond, topic(null))).toBe(false);
  });

  it("never matches an absent or non-string value, even with *", () => {
    const star: PushCondition = { kind: "event_match", key: "content.topic", pattern: "*" };
    expect(holds(star, { type: "m.room.topic", content: {} })).toBe(false);
    expect(holds(star, topic(5))).toBe(false);
    expect(holds(star, topic({ a: "b" }))).toBe(false);
    expect(holds(star, topic(""))).toBe(true);
  });

  it("matches content.body at word boundaries but other keys whole", () => {
    const body: PushCondition = { kind: "event_match", key: "content.body", pattern: "beer" };
    expect(holds(body, { content: { body: "time for a beer?" } })).toBe(true);
    expect(holds(body, { content: { body: "beers" } })).toBe(false);
    const other: PushCondition = { kind: "event_match", key: "content.text", pattern: "beer" };
    expect(holds(other, { content: { text: "time for a beer?" } })).toBe(false);
  });

  it("follows escaped dots in the key", () => {
    const c: PushCondition = { kind: "event_match", key: "content.m\\.relates_to.rel_type", pattern: "m.thread" };
    expect(holds(c, { content: { "m.relates_to": { rel_type: "m.thread" } } })).toBe(true);
    expect(holds(c, { content: { m: { relates_to: { rel_type: "m.thread" } } } })).toBe(false);
  });

  it("does not match when malformed", () => {
    expect(holds({ kind: "event_match", key: "type" }, { type: "x" })).toBe(false);
  });
});

describe("event_property_is", () => {
  const create: JsonObject = { type: "m.room.create", content: { "m.federate": true, n: 3, f: 1.5, z: null } };
  it("compares exactly without casting", () => {
    expect(holds({ kind: "event_property_is", key: "content.m\\.federate", value: true }, create)).toBe(true);
    expect(holds({ kind: "event_property_is", key: "content.m\\.federate", value: "true" }, create)).toBe(false);
    expect(holds({ kind: "event_property_is", key: "content.m\\.federate", value: 1 }, create)).toBe(false);
    expect(holds({ kind: "event_property_is", key: "content.n", value: 3 }, create)).toBe(true);
    expect(holds({ kind: "event_property_is", key: "content.z", value: null }, create)).toBe(true);
  });

  it("does not match absent properties, floats or compound values", () => {
    expect(holds({ kind: "event_property_is", key: "content.missing", value: null }, create)).toBe(false);
    expect(holds({ kind: "event_property_is", key: "content.f", value: 1.5 }, create)).toBe(false);
    expect(holds({ kind: "event_property_is", key: "content", value: null }, create)).toBe(false);
    expect(holds({ kind: "event_property_is", key: "content.n" }, create)).toBe(false);
  });
});

describe("event_property_contains", () => {
  const alias: JsonObject = {
    type: "m.room.canonical_alias",
    content: { alt_aliases: ["#somewhere:example.org", "#myroom:example.com", { x: 1 }, 7] },
  };
  it("matches an exact array entry only", () => {
    const c = (value: string | number): PushCondition => ({ kind: "event_property_contains", key: "content.alt_aliases", value });
    expect(holds(c("#myroom:example.com"), alias)).toBe(true);
    expect(holds(c(":example.com"), alias)).toBe(false);
    expect(holds(c(7), alias)).toBe(true);
    expect(holds(c("7"), alias)).toBe(false);
  });

  it("does not match a non-array or absent property", () => {
    const c: PushCondition = { kind: "event_property_contains", key: "content.alias", value: "#a:b" };
    expect(holds(c, { content: { alias: "#a:b" } })).toBe(false);
    expect(holds(c, { content: {} })).toBe(false);
  });
});

describe("room_member_count", () => {
  const count = (is: string, memberCount: number) =>
    holds({ kind: "room_member_count", is }, {}, { ...ctx, memberCount });
  it("defaults to == and supports every operator", () => {
    expect(count("2", 2)).toBe(true);
    expect(count("2", 3)).toBe(false);
    expect(count("==2", 2)).toBe(true);
    expect(count("<10", 9)).toBe(true);
    expect(count("<10", 10)).toBe(false);
    expect(count("<=10", 10)).toBe(true);
    expect(count(">2", 3)).toBe(true);
    expect(count(">2", 2)).toBe(false);
    expect(count(">=2", 2)).toBe(true);
  });

  it("never matches a malformed is", () => {
    expect(count("two", 2)).toBe(false);
    expect(count("=2", 2)).toBe(false);
    expect(count("", 0)).toBe(false);
    expect(holds({ kind: "room_member_count" }, {}, { ...ctx, memberCount: 2 })).toBe(false);
  });
});

describe("sender_notification_permission", () => {
  const cond: PushCondition = { kind: "sender_notification_permission", key: "room" };
  it("uses the power levels' notifications, room defaulting to 50", () => {
    expect(holds(cond, {}, { ...ctx, senderPowerLevel: 50 })).toBe(true);
    expect(holds(cond, {}, { ...ctx, senderPowerLevel: 49 })).toBe(false);
    expect(holds(cond, {}, { ...ctx, senderPowerLevel: 0, notificationPowerLevels: { room: 0 } })).toBe(true);
    expect(holds(cond, {}, { ...ctx, senderPowerLevel: 99, notificationPowerLevels: { room: 100 } })).toBe(false);
  });

  it("a key with no level anywhere never matches", () => {
    expect(holds({ kind: "sender_notification_permission", key: "custom" }, {}, { ...ctx, senderPowerLevel: 100 })).toBe(false);
    expect(
      holds({ kind: "sender_notification_permission", key: "custom" }, {}, {
        ...ctx,
        notificationPowerLevels: { custom: 20 },
        senderPowerLevel: 20,
      }),
    ).toBe(true);
  });
});

describe("contains_display_name (deprecated, still defined)", () => {
  const cond: PushCondition = { kind: "contains_display_name" };
  it("matches the display name as a word in the body", () => {
    expect(holds(cond, { content: { body: "hi alice!" } })).toBe(true);
    expect(holds(cond, { content: { body: "malice" } })).toBe(false);
    expect(holds(cond, { content: { body: "hi alice" } }, { ...ctx, displayName: undefined })).toBe(false);
    expect(holds(cond, { content: { body: "" } }, { ...ctx, displayName: "" })).toBe(false);
  });
});

describe("unknown conditions", () => {
  it("never match", () => {
    expect(holds({ kind: "org.example.always" }, { type: "m.room.message" })).toBe(false);
  });
});
