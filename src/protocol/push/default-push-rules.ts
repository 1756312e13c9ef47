// The server-default push rules exactly as the spec (v1.17, "Predefined Rules") lists them, for one user.
import type { PushAction, PushCondition, PushRule, PushRuleKind, PushRuleset } from "./push-rule";

const SOUND_DEFAULT: PushAction = { set_tweak: "sound", value: "default" };
const HIGHLIGHT: PushAction = { set_tweak: "highlight" };

const rule = (
  rule_id: string,
  conditions: readonly PushCondition[],
  actions: readonly PushAction[],
  enabled = true,
): PushRule => ({ rule_id, default: true, enabled, conditions, actions });

const match = (key: string, pattern: string): PushCondition => ({ kind: "event_match", key, pattern });

/**
 * The override defaults in spec order. `.m.rule.master` is first here and, unlike the others, stays
 * above every user-defined override rule (see mergePushRules).
 */
const overrideRules = (userId: string): readonly PushRule[] => [
  rule(".m.rule.master", [], [], false),
  rule(".m.rule.suppress_notices", [match("content.msgtype", "m.notice")], []),
  rule(
    ".m.rule.invite_for_me",
    [match("type", "m.room.member"), match("content.membership", "invite"), match("state_key", userId)],
    ["notify", SOUND_DEFAULT],
  ),
  rule(".m.rule.member_event", [match("type", "m.room.member")], []),
  rule(
    ".m.rule.is_user_mention",
    [{ kind: "event_property_contains", key: "content.m\\.mentions.user_ids", value: userId }],
    ["notify", SOUND_DEFAULT, HIGHLIGHT],
  ),
  rule(
    ".m.rule.is_room_mention",
    [
      { kind: "event_property_is", key: "content.m\\.mentions.room", value: true },
      { kind: "sender_notification_permission", key: "room" },
    ],
    ["notify", HIGHLIGHT],
  ),
  rule(".m.rule.tombstone", [match("type", "m.room.tombstone"), match("state_key", "")], ["notify", HIGHLIGHT]),
  rule(".m.rule.reaction", [match("type", "m.reaction")], []),
  rule(".m.rule.room.server_acl", [match("type", "m.room.server_acl"), match("state_key", "")], []),
  rule(
    ".m.rule.suppress_edits",
    [{ kind: "event_property_is", key: "content.m\\.relates_to.rel_type", value: "m.replace" }],
    [],
  ),
];

const underrideRules: readonly PushRule[] = [
  rule(".m.rule.call", [match("type", "m.call.invite")], ["notify", { set_tweak: "sound", value: "ring" }]),
  rule(
    ".m.rule.encrypted_room_one_to_one",
    [{ kind: "room_member_count", is: "2" }, match("type", "m.room.encrypted")],
    ["notify", SOUND_DEFAULT],
  ),
  rule(
    ".m.rule.room_one_to_one",
    [{ kind: "room_member_count", is: "2" }, match("type", "m.room.message")],
    ["notify", SOUND_DEFAULT],
  ),
  rule(".m.rule.message", [match("type", "m.room.message")], ["notify"]),
  rule(".m.rule.encrypted", [match("type", "m.room.encrypted")], ["notify"]),
];

/**
 * v1.17 removed the legacy body-mention defaults (`.m.rule.contains_user_name`,
 * `.m.rule.contains_display_name`, `.m.rule.roomnotif`), so there are no default content rules.
 */
export const defaultPushRules = (userId: string): PushRuleset => ({
  override: overrideRules(userId),
  content: [],
  room: [],
  sender: [],
  underride: underrideRules,
});

/** The master rule's id: the one default that outranks user rules. */
export const MASTER_RULE_ID = ".m.rule.master";

// The ids do not depend on the user, so any placeholder gives the same set.
const DEFAULT_IDS = defaultPushRules("@placeholder:localhost");

export const isDefaultPushRuleId = (kind: PushRuleKind, ruleId: string): boolean =>
  DEFAULT_IDS[kind].some((r) => r.rule_id === ruleId);
