// Running a ruleset over an event for one user: the first enabled matching rule, in kind order, decides the actions.
import type { JsonObject, JsonValue } from "../json-value";
import { compileGlob, globMatchesWords } from "./glob-pattern";
import { conditionMatches, type PushEvaluationContext } from "./push-condition-match";
import { lookupPropertyPath } from "./property-path";
import { PUSH_RULE_KINDS, type PushAction, type PushRule, type PushRuleKind, type PushRuleset } from "./push-rule";

export type { PushEvaluationContext } from "./push-condition-match";

export interface PushRuleMatch {
  readonly kind: PushRuleKind;
  readonly rule: PushRule;
  readonly actions: readonly PushAction[];
  /** Whether the actions include `notify`; a match without it (e.g. suppress_notices) means no notification. */
  readonly notify: boolean;
  /** `highlight` with no value is true; no highlight tweak at all is false. */
  readonly highlight: boolean;
  readonly sound?: string;
  /** Every tweak the actions set, last one winning, passed through to the push gateway. */
  readonly tweaks: { readonly [name: string]: JsonValue };
}

function ruleMatches(kind: PushRuleKind, rule: PushRule, event: JsonObject, context: PushEvaluationContext): boolean {
  switch (kind) {
    case "override":
    case "underride":
      return (rule.conditions ?? []).every((c) => conditionMatches(c, event, context));
    case "content": {
      const body = lookupPropertyPath(event, "content.body");
      return rule.pattern !== undefined && typeof body === "string" && globMatchesWords(compileGlob(rule.pattern), body);
    }
    case "room":
      return event["room_id"] === rule.rule_id;
    case "sender":
      return event["sender"] === rule.rule_id;
  }
}

/** Reads the actions the way the spec defines their meaning for the push gateway and unread counts. */
export function describeActions(actions: readonly PushAction[]): Pick<PushRuleMatch, "notify" | "highlight" | "sound" | "tweaks"> {
  const tweaks: { [name: string]: JsonValue } = {};
  let notify = false;
  for (const action of actions) {
    if (action === "notify") notify = true;
    else tweaks[action.set_tweak] = action.value === undefined && action.set_tweak === "highlight" ? true : (action.value ?? null);
  }
  const sound = tweaks["sound"];
  return {
    notify,
    highlight: tweaks["highlight"] === true,
    ...(typeof sound === "string" ? { sound } : {}),
    tweaks,
  };
}

/**
 * The first enabled rule that matches, checking kinds in spec order and rules in list order, or
 * null when none does (then the server must not notify). It does not skip the user's own events:
 * the caller excludes the sender, as the spec requires, before asking.
 */
export function evaluatePushRules(
  ruleset: PushRuleset,
  event: JsonObject,
  context: PushEvaluationContext,
): PushRuleMatch | null {
  for (const kind of PUSH_RULE_KINDS) {
    for (const rule of ruleset[kind]) {
      if (!rule.enabled || !ruleMatches(kind, rule, event, context)) continue;
      return { kind, rule, actions: rule.actions, ...describeActions(rule.actions) };
    }
  }
  return null;
}
