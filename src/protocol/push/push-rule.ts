// The push rule data model in its wire shape (client-server "Push Rules"), so rules serialize unchanged into GET /pushrules.
import type { JsonObject, JsonValue } from "../json-value";

/** The rule kinds in the order the spec checks them: the first matching rule of the first kind wins. */
export const PUSH_RULE_KINDS = ["override", "content", "room", "sender", "underride"] as const;
export type PushRuleKind = (typeof PUSH_RULE_KINDS)[number];

export const isPushRuleKind = (value: string): value is PushRuleKind =>
  (PUSH_RULE_KINDS as readonly string[]).includes(value);

/** `{ "set_tweak": name, "value"?: v }`; tweaks pass through to the push gateway, so any name is kept. */
export interface SetTweakAction {
  readonly set_tweak: string;
  readonly value?: JsonValue;
}

/** Legacy `dont_notify` and `coalesce` never appear here: the spec says to strip them. */
export type PushAction = "notify" | SetTweakAction;

/**
 * Conditions stay raw JSON objects: the spec says unrecognised (or malformed) conditions never match
 * rather than being errors, and clients must get back exactly what they stored.
 */
export type PushCondition = JsonObject & { readonly kind: string };

export interface PushRule {
  readonly rule_id: string;
  readonly default: boolean;
  readonly enabled: boolean;
  readonly actions: readonly PushAction[];
  /** Only override and underride rules carry conditions. */
  readonly conditions?: readonly PushCondition[];
  /** Only content rules carry a pattern. */
  readonly pattern?: string;
}

/** One ordered list per kind, most important rule first. */
export type PushRuleset = { readonly [K in PushRuleKind]: readonly PushRule[] };

export const emptyPushRuleset = (): PushRuleset => ({ override: [], content: [], room: [], sender: [], underride: [] });

/** The `{ "set_tweak": ... }` form as a JSON object, for responses and account data. */
export const pushActionToJson = (action: PushAction): JsonValue =>
  action === "notify"
    ? "notify"
    : action.value === undefined
      ? { set_tweak: action.set_tweak }
      : { set_tweak: action.set_tweak, value: action.value };

export const pushRuleToJson = (rule: PushRule): JsonObject => {
  const out: { [key: string]: JsonValue } = {
    rule_id: rule.rule_id,
    default: rule.default,
    enabled: rule.enabled,
    actions: rule.actions.map(pushActionToJson),
  };
  if (rule.conditions !== undefined) out["conditions"] = rule.conditions;
  if (rule.pattern !== undefined) out["pattern"] = rule.pattern;
  return out;
};

export const pushRulesetToJson = (ruleset: PushRuleset): JsonObject => ({
  override: ruleset.override.map(pushRuleToJson),
  content: ruleset.content.map(pushRuleToJson),
  room: ruleset.room.map(pushRuleToJson),
  sender: ruleset.sender.map(pushRuleToJson),
  underride: ruleset.underride.map(pushRuleToJson),
});
