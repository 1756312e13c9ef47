// Each server-default rule fires on the events the spec means it for, in the spec's order, for the right user.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { defaultPushRules } from "../../../../src/protocol/push/default-push-rules";
import { evaluatePushRules, type PushEvaluationContext } from "../../../../src/protocol/push/evaluate-push-rules";
import type { PushRuleset } from "../../../../src/protocol/push/push-rule";

const ALICE = "@alice:example.org";
const ruleset = defaultPushRules(ALICE);

const ctx = (over: Partial<PushEvaluationContext> = {}): PushEvaluationContext => ({
  userId: ALICE,
  memberCount: 5,
  senderPowerLevel: 0,
  notificationPowerLevels: {},
  ...over,
});

const ev = (type: string, content: JsonObject, extra: JsonObject = {}): JsonObject => ({
  type,
  content,
  sender: "@bob:example.org",
  room_id: "!room:example.org",
  event_id: "$e",
  ...extra,
});

const winner = (event: JsonObject, context = ctx(), rules: PushRuleset = ruleset) =>
  evaluatePushRules(rules, event, context);

describe("the default ruleset", () => {
  it("lists the spec's rules in the spec's order, with no default content rules", () => {
    expect(ruleset.override.map((r) => r.rule_id)).toEqual([
      ".m.rule.master",
      ".m.rule.suppress_notices",
      ".m.rule.invite_for_me",
      ".m.rule.member_event",
      ".m.rule.is_user_mention",
      ".m.rule.is_room_mention",
      ".m.rule.tombstone",
      ".m.rule.reaction",
      ".m.rule.room.server_acl",
      ".m.rule.suppress_edits",
    ]);
    expect(ruleset.content).toEqual([]);
    expect(ruleset.room).toEqual([]);
    expect(ruleset.sender).toEqual([]);
    expect(ruleset.underride.map((r) => r.rule_id)).toEqual([
      ".m.rule.call",
      ".m.rule.encrypted_room_one_to_one",
      ".m.rule.room_one_to_one",
      ".m.rule.message",
      ".m.rule.encrypted",
    ]);
    for (const kind of ["override", "underride"] as const) {
      for (const rule of ruleset[kind]) expect(rule.default).toBe(true);
    }
    expect(ruleset.override.filter((r) => !r.enabled).map((r) => r.rule_id)).toEqual([".m.rule.master"]);
  });

  it("puts the user's ID into invite_for_me and is_user_mention, escaping the dotted key", () => {
    const invite = ruleset.override.find((r) => r.rule_id === ".m.rule.invite_for_me");
    expect(invite?.conditions?.[2]).toEqual({ kind: "event_match", key: "state_key", pattern: ALICE });
    const mention = ruleset.override.find((r) => r.rule_id === ".m.rule.is_user_mention");
    expect(mention?.conditions).toEqual([
      { kind: "event_property_contains", key: "content.m\\.mentions.user_ids", value: ALICE },
    ]);
    expect(mention?.actions).toEqual(["notify", { set_tweak: "sound", value: "default" }, { set_tweak: "highlight" }]);
  });
});

describe("which default rule wins", () => {
  it("a plain message in a group room: .m.rule.message, notify without sound or highlight", () => {
    const m = winner(ev("m.room.message", { msgtype: "m.text", body: "hello" }));
    expect(m?.rule.rule_id).toBe(".m.rule.message");
    expect(m).toMatchObject({ kind: "underride", notify: true, highlight: false });
    expect(m?.sound).toBeUndefined();
  });

  it("a message in a two-member room: .m.rule.room_one_to_one with the default sound", () => {
    const m = winner(ev("m.room.message", { msgtype: "m.text", body: "hi" }), ctx({ memberCount: 2 }));
    expect(m?.rule.rule_id).toBe(".m.rule.room_one_to_one");
    expect(m).toMatchObject({ notify: true, highlight: false, sound: "default" });
  });

  it("encrypted events: one-to-one by member count, otherwise .m.rule.encrypted", () => {
    const e = ev("m.room.encrypted", { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "x" });
    expect(winner(e, ctx({ memberCount: 2 }))?.rule.rule_id).toBe(".m.rule.encrypted_room_one_to_one");
    expect(winner(e, ctx({ memberCount: 3 }))?.rule.rule_id).toBe(".m.rule.encrypted");
  });

  it("a call invite rings", () => {
    const m = winner(ev("m.call.invite", { call_id: "c", version: "1" }));
    expect(m?.rule.rule_id).toBe(".m.rule.call");
    expect(m?.sound).toBe("ring");
  });

  it("notices are suppressed, even in one-to-one rooms", () => {
    const m = winner(ev("m.room.message", { msgtype: "m.notice", body: "bot says" }), ctx({ memberCount: 2 }));
    expect(m?.rule.rule_id).toBe(".m.rule.suppress_notices");
    expect(m?.notify).toBe(false);
  });

  it("an invite for the user notifies with sound; other membership events are silent", () => {
    const invite = ev("m.room.member", { membership: "invite" }, { state_key: ALICE });
    expect(winner(invite)).toMatchObject({ notify: true, sound: "default" });
    expect(winner(invite)?.rule.rule_id).toBe(".m.rule.invite_for_me");
    const other = ev("m.room.member", { membership: "invite" }, { state_key: "@carol:example.org" });
    expect(winner(other)?.rule.rule_id).toBe(".m.rule.member_event");
    expect(winner(other)?.notify).toBe(false);
    const join = ev("m.room.member", { membership: "join" }, { state_key: "@bob:example.org" });
    expect(winner(join)?.rule.rule_id).toBe(".m.rule.member_event");
  });

  it("a user mention through m.mentions highlights; a body mention alone does not", () => {
    const mentioned = ev("m.room.message", { body: "hey", "m.mentions": { user_ids: ["@x:y", ALICE] } });
    const m = winner(mentioned);
    expect(m?.rule.rule_id).toBe(".m.rule.is_user_mention");
    expect(m).toMatchObject({ notify: true, highlight: true, sound: "default" });
    expect(winner(ev("m.room.message", { body: `hey ${ALICE} alice` }))?.rule.rule_id).toBe(".m.rule.message");
    const someoneElse = ev("m.room.message", { body: "hey", "m.mentions": { user_ids: ["@carol:example.org"] } });
    expect(winner(someoneElse)?.rule.rule_id).toBe(".m.rule.message");
  });

  it("a room mention highlights only when the sender has the room notification level", () => {
    const e = ev("m.room.message", { body: "@room hi", "m.mentions": { room: true } });
    const allowed = winner(e, ctx({ senderPowerLevel: 50 }));
    expect(allowed?.rule.rule_id).toBe(".m.rule.is_room_mention");
    expect(allowed).toMatchObject({ notify: true, highlight: true });
    expect(winner(e, ctx({ senderPowerLevel: 49 }))?.rule.rule_id).toBe(".m.rule.message");
    expect(winner(e, ctx({ senderPowerLevel: 10, notificationPowerLevels: { room: 10 } }))?.rule.rule_id).toBe(
      ".m.rule.is_room_mention",
    );
    const notTrue = ev("m.room.message", { body: "hi", "m.mentions": { room: "true" } });
    expect(winner(notTrue, ctx({ senderPowerLevel: 100 }))?.rule.rule_id).toBe(".m.rule.message");
  });

  it("a tombstone state event highlights; a tombstone without a state key does not", () => {
    const tomb = ev("m.room.tombstone", { body: "upgraded", replacement_room: "!new:x" }, { state_key: "" });
    expect(winner(tomb)?.rule.rule_id).toBe(".m.rule.tombstone");
    expect(winner(tomb)).toMatchObject({ notify: true, highlight: true });
    expect(winner(ev("m.room.tombstone", { body: "x" }))).toBeNull();
  });

  it("reactions, server ACL changes and edits are suppressed", () => {
    const reaction = ev("m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: "$a", key: "👍" } });
    expect(winner(reaction, ctx({ memberCount: 2 }))?.rule.rule_id).toBe(".m.rule.reaction");
    const acl = ev("m.room.server_acl", { allow: ["*"] }, { state_key: "" });
    expect(winner(acl)?.rule.rule_id).toBe(".m.rule.room.server_acl");
    const edit = ev("m.room.message", {
      body: "* fixed",
      "m.new_content": { body: "fixed" },
      "m.relates_to": { rel_type: "m.replace", event_id: "$orig" },
      "m.mentions": { user_ids: [ALICE] },
    });
    // is_user_mention comes before suppress_edits in the spec's order, so an edit that mentions the user still highlights.
    expect(winner(edit)?.rule.rule_id).toBe(".m.rule.is_user_mention");
    const plainEdit = ev("m.room.message", { body: "* x", "m.relates_to": { rel_type: "m.replace", event_id: "$o" } });
    expect(winner(plainEdit, ctx({ memberCount: 2 }))?.rule.rule_id).toBe(".m.rule.suppress_edits");
    expect(winner(plainEdit)?.notify).toBe(false);
  });

  it("the master rule, once enabled, silences everything", () => {
    const muted: PushRuleset = {
      ...ruleset,
      override: ruleset.override.map((r) => (r.rule_id === ".m.rule.master" ? { ...r, enabled: true } : r)),
    };
    const m = winner(ev("m.room.message", { body: "x", "m.mentions": { user_ids: [ALICE] } }), ctx(), muted);
    expect(m?.rule.rule_id).toBe(".m.rule.master");
    expect(m?.notify).toBe(false);
  });

  it("unknown event types match no rule", () => {
    expect(winner(ev("com.example.custom", { body: "x" }))).toBeNull();
  });
});
