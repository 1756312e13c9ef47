// User rules merged with the defaults in spec priority, PUT/DELETE/enabled/actions edits, and PUT body validation.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../../src/protocol/json-value";
import type { Result } from "../../../../src/protocol/result";
import { evaluatePushRules, type PushEvaluationContext } from "../../../../src/protocol/push/evaluate-push-rules";
import { parsePushActions, parsePushRuleBody, parsePushRuleKind, validateUserRuleId } from "../../../../src/protocol/push/push-rule-body";
import { pushRulesetToJson } from "../../../../src/protocol/push/push-rule";
import {
  deleteUserPushRule,
  emptyUserPushRules,
  findPushRule,
  mergePushRules,
  putUserPushRule,
  setPushRuleActions,
  setPushRuleEnabled,
  type UserPushRules,
} from "../../../../src/protocol/push/user-push-rules";

const ALICE = "@alice:example.org";
const ctx: PushEvaluationContext = { userId: ALICE, memberCount: 5, senderPowerLevel: 0, notificationPowerLevels: {} };
const msg = (body: string, extra: JsonObject = {}): JsonObject => ({
  type: "m.room.message",
  content: { msgtype: "m.text", body },
  sender: "@bob:example.org",
  room_id: "!room:example.org",
  ...extra,
});

const value = <T, E>(r: Result<T, E>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
};
const put = (user: UserPushRules, kind: Parameters<typeof parsePushRuleKind>[0], id: string, body: unknown, pos = {}) => {
  const k = value(parsePushRuleKind(kind));
  return value(putUserPushRule(user, k, id, value(parsePushRuleBody(k, body)), pos));
};

describe("merging user rules with the defaults", () => {
  const user = put(emptyUserPushRules(), "override", "beer", {
    conditions: [{ kind: "event_match", key: "content.body", pattern: "beer" }],
    actions: ["notify", { set_tweak: "sound", value: "beeroclock.wav" }],
  });
  const merged = mergePushRules(ALICE, user);

  it("keeps the master rule above user overrides and the other defaults below them", () => {
    expect(merged.override.map((r) => r.rule_id).slice(0, 3)).toEqual([".m.rule.master", "beer", ".m.rule.suppress_notices"]);
    const beer = findPushRule(merged, "override", "beer");
    expect(beer).toMatchObject({ default: false, enabled: true });
  });

  it("lets a user override outrank a default override, and the master rule outrank it", () => {
    const notice = msg("beer time", { content: { msgtype: "m.notice", body: "beer time" } });
    expect(evaluatePushRules(merged, notice, ctx)?.rule.rule_id).toBe("beer");
    const muted = mergePushRules(ALICE, value(setPushRuleEnabled(user, "override", ".m.rule.master", true)));
    expect(evaluatePushRules(muted, notice, ctx)?.rule.rule_id).toBe(".m.rule.master");
  });

  it("puts user underrides above default underrides, and content/room/sender between override and underride", () => {
    let u = put(emptyUserPushRules(), "underride", "all-messages-loud", {
      conditions: [{ kind: "event_match", key: "type", pattern: "m.room.message" }],
      actions: ["notify", { set_tweak: "sound", value: "loud" }],
    });
    const m1 = mergePushRules(ALICE, u);
    expect(m1.underride[0]?.rule_id).toBe("all-messages-loud");
    expect(evaluatePushRules(m1, msg("hi"), ctx)?.sound).toBe("loud");

    u = put(u, "sender", "@bob:example.org", { actions: [] });
    expect(evaluatePushRules(mergePushRules(ALICE, u), msg("hi"), ctx)?.rule.rule_id).toBe("@bob:example.org");
    u = put(u, "room", "!room:example.org", { actions: ["notify"] });
    expect(evaluatePushRules(mergePushRules(ALICE, u), msg("hi"), ctx)?.kind).toBe("room");
    u = put(u, "content", "cake", { pattern: "cake", actions: ["notify", { set_tweak: "highlight" }] });
    const m = evaluatePushRules(mergePushRules(ALICE, u), msg("I like cake"), ctx);
    expect(m).toMatchObject({ kind: "content", highlight: true });
    expect(evaluatePushRules(mergePushRules(ALICE, u), msg("cakes"), ctx)?.kind).toBe("room");
    expect(evaluatePushRules(mergePushRules(ALICE, u), msg("x", { room_id: "!other:x" }), ctx)?.kind).toBe("sender");
  });

  it("breaks ties within a kind by list order (the spec's tea and time example)", () => {
    let u = put(emptyUserPushRules(), "content", "tea", { pattern: "tea", actions: ["notify", { set_tweak: "sound", value: "tea" }] });
    u = put(u, "content", "time", { pattern: "time", actions: ["notify", { set_tweak: "sound", value: "time" }] });
    expect(evaluatePushRules(mergePushRules(ALICE, u), msg("It's time for tea"), ctx)?.rule.rule_id).toBe("time");
    u = put(u, "content", "tea", { pattern: "tea", actions: ["notify"] }, { before: "time" });
    expect(evaluatePushRules(mergePushRules(ALICE, u), msg("It's time for tea"), ctx)?.rule.rule_id).toBe("tea");
  });

  it("skips disabled rules and falls through to the next", () => {
    const u = value(setPushRuleEnabled(emptyUserPushRules(), "underride", ".m.rule.message", false));
    const merged2 = mergePushRules(ALICE, u);
    expect(findPushRule(merged2, "underride", ".m.rule.message")?.enabled).toBe(false);
    expect(evaluatePushRules(merged2, msg("hi"), ctx)).toBeNull();
    const disabledUser = value(setPushRuleEnabled(user, "override", "beer", false));
    expect(evaluatePushRules(mergePushRules(ALICE, disabledUser), msg("beer"), ctx)?.rule.rule_id).toBe(".m.rule.message");
  });

  it("applies changed actions on a default rule", () => {
    const actions = value(parsePushActions(["notify", { set_tweak: "highlight", value: false }]));
    const u = value(setPushRuleActions(emptyUserPushRules(), "override", ".m.rule.suppress_notices", actions));
    const m = evaluatePushRules(mergePushRules(ALICE, u), msg("x", { content: { msgtype: "m.notice", body: "x" } }), ctx);
    expect(m).toMatchObject({ notify: true, highlight: false });
  });

  it("serializes to the wire shape", () => {
    const json = pushRulesetToJson(merged);
    expect(Object.keys(json)).toEqual(["override", "content", "room", "sender", "underride"]);
    expect((json["override"] as JsonObject[])[0]).toEqual({
      rule_id: ".m.rule.master",
      default: true,
      enabled: false,
      actions: [],
      conditions: [],
    });
  });
});

describe("ordering user rules with before and after", () => {
  const ids = (u: UserPushRules) => u.rules.content.map((r) => r.rule_id);
  const a = put(emptyUserPushRules(), "content", "a", { pattern: "a", actions: [] });
  const ab = put(a, "content", "b", { pattern: "b", actions: [] });

  it("puts a new rule first, and keeps an updated rule in place", () => {
    expect(ids(ab)).toEqual(["b", "a"]);
    const updated = put(ab, "content", "a", { pattern: "aa", actions: ["notify"] });
    expect(ids(updated)).toEqual(["b", "a"]);
    expect(updated.rules.content[1]?.pattern).toBe("aa");
  });

  it("keeps a disabled rule disabled when it is updated", () => {
    const off = value(setPushRuleEnabled(ab, "content", "a", false));
    expect(put(off, "content", "a", { pattern: "a", actions: [] }).rules.content[1]?.enabled).toBe(false);
  });

  it("places relative to a user rule, before winning over after", () => {
    expect(ids(put(ab, "content", "c", { pattern: "c", actions: [] }, { after: "b" }))).toEqual(["b", "c", "a"]);
    expect(ids(put(ab, "content", "c", { pattern: "c", actions: [] }, { before: "a" }))).toEqual(["b", "c", "a"]);
    expect(ids(put(ab, "content", "c", { pattern: "c", actions: [] }, { after: "a" }))).toEqual(["b", "a", "c"]);
    expect(ids(put(ab, "content", "c", { pattern: "c", actions: [] }, { before: "b", after: "a" }))).toEqual(["c", "b", "a"]);
    expect(ids(put(ab, "content", "b", { pattern: "b", actions: [] }, { after: "a" }))).toEqual(["a", "b"]);
  });

  it("refuses positions relative to defaults or unknown rules", () => {
    const body = value(parsePushRuleBody("override", { actions: [] }));
    const rel = putUserPushRule(emptyUserPushRules(), "override", "x", body, { before: ".m.rule.master" });
    expect(rel).toMatchObject({ ok: false, error: { _tag: "InvalidPushRule", reason: "relative_to_default" } });
    const unknown = putUserPushRule(emptyUserPushRules(), "override", "x", body, { after: "nope" });
    expect(unknown).toMatchObject({ ok: false, error: { reason: "unknown_relative_rule" } });
  });

  it("deletes user rules but not defaults, and reports unknown rules", () => {
    expect(ids(value(deleteUserPushRule(ab, "content", "b")))).toEqual(["a"]);
    expect(deleteUserPushRule(ab, "content", "zzz")).toMatchObject({ ok: false, error: { _tag: "PushRuleNotFound" } });
    expect(deleteUserPushRule(ab, "override", ".m.rule.master")).toMatchObject({
      ok: false,
      error: { reason: "default_rule_not_deletable" },
    });
    expect(setPushRuleEnabled(ab, "override", ".m.rule.nope", true)).toMatchObject({ ok: false, error: { _tag: "PushRuleNotFound" } });
  });
});

describe("validating PUT bodies", () => {
  const reason = (r: Result<unknown, { reason: string }>) => (r.ok ? "ok" : r.error.reason);

  it("checks the kind and the rule id", () => {
    expect(reason(parsePushRuleKind("global"))).toBe("invalid_kind");
    expect(reason(validateUserRuleId(".m.rule.mine"))).toBe("invalid_rule_id");
    expect(reason(validateUserRuleId("a/b"))).toBe("invalid_rule_id");
    expect(reason(validateUserRuleId("a\\b"))).toBe("invalid_rule_id");
    expect(reason(validateUserRuleId(""))).toBe("invalid_rule_id");
    expect(reason(validateUserRuleId("SSByZWFsbHkgbGlrZSBjYWtl"))).toBe("ok");
  });

  it("requires actions and strips the legacy ones", () => {
    expect(reason(parsePushRuleBody("room", {}))).toBe("invalid_action");
    expect(reason(parsePushRuleBody("room", []))).toBe("invalid_body");
    expect(reason(parsePushRuleBody("room", { actions: "notify" }))).toBe("invalid_action");
    expect(reason(parsePushRuleBody("room", { actions: ["explode"] }))).toBe("invalid_action");
    expect(reason(parsePushRuleBody("room", { actions: [{ value: 1 }] }))).toBe("invalid_action");
    expect(value(parsePushActions(["dont_notify"]))).toEqual([]);
    expect(value(parsePushActions(["notify", "coalesce", { set_tweak: "x", value: { a: 1 } }]))).toEqual([
      "notify",
      { set_tweak: "x", value: { a: 1 } },
    ]);
  });

  it("requires a pattern for content rules and keeps only what applies to the kind", () => {
    expect(reason(parsePushRuleBody("content", { actions: [] }))).toBe("missing_pattern");
    expect(value(parsePushRuleBody("content", { actions: [], pattern: "x", conditions: [] }))).toEqual({ actions: [], pattern: "x" });
    expect(value(parsePushRuleBody("sender", { actions: [], pattern: "x" }))).toEqual({ actions: [] });
    expect(value(parsePushRuleBody("override", { actions: [] }))).toEqual({ actions: [], conditions: [] });
  });

  it("checks known conditions' parameters and keeps unknown kinds", () => {
    const cond = (c: unknown) => reason(parsePushRuleBody("override", { actions: [], conditions: [c] }));
    expect(cond({ kind: "event_match", key: "type" })).toBe("invalid_condition");
    expect(cond({ kind: "event_match", key: "type", pattern: "m.*" })).toBe("ok");
    expect(cond({ kind: "event_property_is", key: "content.x" })).toBe("invalid_condition");
    expect(cond({ kind: "event_property_is", key: "content.x", value: null })).toBe("ok");
    expect(cond({ kind: "event_property_is", key: "content.x", value: 1.5 })).toBe("invalid_condition");
    expect(cond({ kind: "event_property_contains", key: "content.x", value: 2 ** 53 })).toBe("invalid_condition");
    expect(cond({ kind: "event_property_contains", key: "content.x", value: ["a"] })).toBe("invalid_condition");
    expect(cond({ kind: "room_member_count", is: "<=10" })).toBe("ok");
    expect(cond({ kind: "room_member_count", is: "ten" })).toBe("invalid_condition");
    expect(cond({ kind: "sender_notification_permission" })).toBe("invalid_condition");
    expect(cond({ kind: "contains_display_name" })).toBe("ok");
    expect(cond({ kind: "org.example.future", anything: [1] })).toBe("ok");
    expect(cond({ key: "type" })).toBe("invalid_condition");
    expect(cond("event_match")).toBe("invalid_condition");
    expect(reason(parsePushRuleBody("underride", { actions: [], conditions: {} }))).toBe("invalid_condition");
  });
});
