// Validation of what a client PUTs to /pushrules/global/{kind}/{ruleId} (and /actions), into typed rule parts.
import { isJsonObject, type JsonValue } from "../json-value";
import { err, ok, type Result } from "../result";
import { isPushScalar, parseMemberCountIs } from "./push-condition-match";
import { invalidPushRule, type InvalidPushRule } from "./push-rule-error";
import { isPushRuleKind, type PushAction, type PushCondition, type PushRuleKind } from "./push-rule";

/** The parts of a user rule a PUT sets; `enabled` and `default` are the server's to decide. */
export interface PushRuleBody {
  readonly actions: readonly PushAction[];
  readonly conditions?: readonly PushCondition[];
  readonly pattern?: string;
}

/** Actions older specs defined; the spec says to ignore them by stripping, never to reject. */
const LEGACY_ACTIONS = new Set(["dont_notify", "coalesce"]);

export function parsePushRuleKind(kind: string): Result<PushRuleKind, InvalidPushRule> {
  return isPushRuleKind(kind) ? ok(kind) : err(invalidPushRule("invalid_kind", `unknown push rule kind: ${kind}`));
}

/** Ids starting with "." are reserved for server defaults; "/" and "\" are not allowed at all. */
export function validateUserRuleId(ruleId: string): Result<string, InvalidPushRule> {
  if (ruleId === "") return err(invalidPushRule("invalid_rule_id", "rule id must not be empty"));
  if (ruleId.startsWith(".")) {
    return err(invalidPushRule("invalid_rule_id", "rule ids starting with '.' are reserved for server-default rules"));
  }
  if (ruleId.includes("/") || ruleId.includes("\\")) {
    return err(invalidPushRule("invalid_rule_id", "rule ids must not contain '/' or '\\'"));
  }
  return ok(ruleId);
}

export function parsePushActions(raw: unknown): Result<readonly PushAction[], InvalidPushRule> {
  if (!Array.isArray(raw)) return err(invalidPushRule("invalid_action", "actions must be an array"));
  const actions: PushAction[] = [];
  for (const item of raw as readonly unknown[]) {
    if (item === "notify") {
      actions.push("notify");
    } else if (typeof item === "string") {
      if (!LEGACY_ACTIONS.has(item)) return err(invalidPushRule("invalid_action", `unrecognised action: ${item}`));
    } else if (isJsonObject(item) && typeof item["set_tweak"] === "string") {
      const value = item["value"];
      actions.push(value === undefined ? { set_tweak: item["set_tweak"] } : { set_tweak: item["set_tweak"], value });
    } else {
      return err(invalidPushRule("invalid_action", "an action must be a string or an object with a string set_tweak"));
    }
  }
  return ok(actions);
}

const REQUIRED_STRINGS: { readonly [kind: string]: readonly string[] } = {
  event_match: ["key", "pattern"],
  event_property_is: ["key"],
  event_property_contains: ["key"],
  room_member_count: ["is"],
  sender_notification_permission: ["key"],
};

/**
 * Known kinds must carry their required parameters with the right types. Unknown kinds are kept:
 * the spec makes them never match instead of invalid, so a client may store rules for future kinds.
 */
export function parsePushCondition(raw: unknown): Result<PushCondition, InvalidPushRule> {
  if (!isJsonObject(raw)) return err(invalidPushRule("invalid_condition", "a condition must be an object"));
  const kind = raw["kind"];
  if (typeof kind !== "string") return err(invalidPushRule("invalid_condition", "a condition needs a string kind"));
  for (const name of REQUIRED_STRINGS[kind] ?? []) {
    if (typeof raw[name] !== "string") {
      return err(invalidPushRule("invalid_condition", `${kind} condition needs a string ${name}`));
    }
  }
  if (kind === "event_property_is" || kind === "event_property_contains") {
    const value: JsonValue | undefined = raw["value"];
    if (!Object.hasOwn(raw, "value") || !isPushScalar(value)) {
      return err(
        invalidPushRule("invalid_condition", `${kind} value must be a string, boolean, null or integer within ±(2^53-1)`),
      );
    }
  }
  if (kind === "room_member_count" && parseMemberCountIs(raw["is"] as string) === undefined) {
    return err(invalidPushRule("invalid_condition", "room_member_count is must be an optional ==, <, >, >=, <= and an integer"));
  }
  return ok({ ...raw, kind });
}

/** Validates a PUT body for a rule of `kind`; keys that do not apply to the kind are dropped. */
export function parsePushRuleBody(kind: PushRuleKind, body: unknown): Result<PushRuleBody, InvalidPushRule> {
  if (!isJsonObject(body)) return err(invalidPushRule("invalid_body", "the body must be a JSON object"));
  if (!Object.hasOwn(body, "actions")) return err(invalidPushRule("invalid_action", "actions is required"));
  const actions = parsePushActions(body["actions"]);
  if (!actions.ok) return actions;
  if (kind === "content") {
    const pattern = body["pattern"];
    if (typeof pattern !== "string") return err(invalidPushRule("missing_pattern", "content rules need a string pattern"));
    return ok({ actions: actions.value, pattern });
  }
  if (kind === "override" || kind === "underride") {
    const raw = body["conditions"];
    if (raw === undefined) return ok({ actions: actions.value, conditions: [] });
    if (!Array.isArray(raw)) return err(invalidPushRule("invalid_condition", "conditions must be an array"));
    const conditions: PushCondition[] = [];
    for (const item of raw as readonly unknown[]) {
      const condition = parsePushCondition(item);
      if (!condition.ok) return condition;
      conditions.push(condition.value);
    }
    return ok({ actions: actions.value, conditions });
  }
  return ok({ actions: actions.value });
}
