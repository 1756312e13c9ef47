// copyRoomPushRules: a user's rules about an upgraded room are copied for its replacement.
import { describe, expect, it } from "vitest";
import type { PushRule } from "../../../../src/protocol/push/push-rule";
import { copyRoomPushRules } from "../../../../src/protocol/push/upgraded-room-push-rules";
import { emptyUserPushRules, type UserPushRules } from "../../../../src/protocol/push/user-push-rules";

const OLD = "!old:hs.test";
const NEW = "!new:hs.test";

const withRules = (rules: Partial<UserPushRules["rules"]>): UserPushRules => {
  const empty = emptyUserPushRules();
  return { ...empty, rules: { ...empty.rules, ...rules } };
};

const mentionsOnly: PushRule = {
  rule_id: OLD,
  default: false,
  enabled: true,
  actions: [],
  conditions: [{ kind: "event_match", key: "room_id", pattern: OLD }],
};

describe("copyRoomPushRules", () => {
  it("copies room rules and override rules confined to the room, each just before its original", () => {
    const roomRule: PushRule = { rule_id: OLD, default: false, enabled: false, actions: ["notify"] };
    const other: PushRule = { rule_id: "!else:hs.test", default: false, enabled: true, actions: [] };
    const confined: PushRule = {
      rule_id: "keyword",
      default: false,
      enabled: true,
      actions: ["notify"],
      conditions: [{ kind: "event_match", key: "content.body", pattern: "lunch" }, { kind: "event_match", key: "room_id", pattern: OLD }],
    };
    const copied = copyRoomPushRules(withRules({ room: [other, roomRule], override: [mentionsOnly, confined] }), OLD, NEW)!;
    expect(copied.rules.room).toEqual([other, { ...roomRule, rule_id: NEW }, roomRule]);
    expect(copied.rules.override.map((r) => r.rule_id)).toEqual([NEW, OLD, `keyword:${NEW}`, "keyword"]);
    expect(copied.rules.override[0]!.conditions).toEqual([{ kind: "event_match", key: "room_id", pattern: NEW }]);
    expect(copied.rules.override[2]!.conditions?.[0]).toEqual({ kind: "event_match", key: "content.body", pattern: "lunch" });
  });

  it("keeps a rule the user already has for the new room, and reports nothing to copy", () => {
    const mine: PushRule = { ...mentionsOnly, rule_id: NEW, actions: ["notify"], conditions: [{ kind: "event_match", key: "room_id", pattern: NEW }] };
    expect(copyRoomPushRules(withRules({ override: [mine, mentionsOnly] }), OLD, NEW)).toBeUndefined();
    expect(copyRoomPushRules(emptyUserPushRules(), OLD, NEW)).toBeUndefined();
  });
});
