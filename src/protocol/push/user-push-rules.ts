// A user's own push rules and their settings for server defaults, merged with the defaults in the spec's priority order.
import { err, ok, type Result } from "../result";
import { defaultPushRules, isDefaultPushRuleId, MASTER_RULE_ID } from "./default-push-rules";
import type { PushRuleBody } from "./push-rule-body";
import { invalidPushRule, type PushRuleError } from "./push-rule-error";
import type { PushAction, PushRule, PushRuleKind, PushRuleset } from "./push-rule";

/** What a user changed on a server-default rule: defaults can be disabled or re-actioned, never deleted. */
export interface DefaultRuleSetting {
  readonly enabled?: boolean;
  readonly actions?: readonly PushAction[];
}

/** The stored per-user state: user-defined rules (most important first) plus settings on defaults. */
export interface UserPushRules {
  readonly rules: PushRuleset;
  readonly defaults: { readonly [K in PushRuleKind]?: { readonly [ruleId: string]: DefaultRuleSetting } };
}

export const emptyUserPushRules = (): UserPushRules => ({
  rules: { override: [], content: [], room: [], sender: [], underride: [] },
  defaults: {},
});

const applySetting = (rule: PushRule, setting: DefaultRuleSetting | undefined): PushRule =>
  setting === undefined
    ? rule
    : {
        ...rule,
        enabled: setting.enabled ?? rule.enabled,
        actions: setting.actions ?? rule.actions,
      };

/**
 * The effective ruleset: within each kind user rules outrank server defaults, except that
 * `.m.rule.master` outranks everything.
 */
export function mergePushRules(userId: string, user: UserPushRules): PushRuleset {
  const defaults = defaultPushRules(userId);
  const merged = (kind: PushRuleKind): readonly PushRule[] => {
    const settings = user.defaults[kind] ?? {};
    const serverRules = defaults[kind].map((r) => applySetting(r, settings[r.rule_id]));
    const master = serverRules.filter((r) => r.rule_id === MASTER_RULE_ID);
    const rest = serverRules.filter((r) => r.rule_id !== MASTER_RULE_ID);
    return [...master, ...user.rules[kind], ...rest];
  };
  return {
    override: merged("override"),
    content: merged("content"),
    room: merged("room"),
    sender: merged("sender"),
    underride: merged("underride"),
  };
}

const withKind = (user: UserPushRules, kind: PushRuleKind, rules: readonly PushRule[]): UserPushRules => ({
  ...user,
  rules: { ...user.rules, [kind]: rules },
});

const notFound = (kind: PushRuleKind, ruleId: string): PushRuleError => ({
  _tag: "PushRuleNotFound",
  reason: "not_found",
  kind,
  ruleId,
});

export interface RulePosition {
  readonly before?: string;
  readonly after?: string;
}

/**
 * PUT semantics: an existing rule keeps its place and enabled flag unless `before`/`after` move it;
 * a new rule is enabled and goes first among user rules of its kind. `before` wins over `after`.
 * The rule id must already have been checked with validateUserRuleId.
 */
export function putUserPushRule(
  user: UserPushRules,
  kind: PushRuleKind,
  ruleId: string,
  body: PushRuleBody,
  position: RulePosition = {},
): Result<UserPushRules, PushRuleError> {
  const current = user.rules[kind];
  const existingIndex = current.findIndex((r) => r.rule_id === ruleId);
  const existing = current[existingIndex];
  const rule: PushRule = {
    rule_id: ruleId,
    default: false,
    enabled: existing?.enabled ?? true,
    actions: body.actions,
    ...(kind === "override" || kind === "underride" ? { conditions: body.conditions ?? [] } : {}),
    ...(kind === "content" && body.pattern !== undefined ? { pattern: body.pattern } : {}),
  };
  const anchorId = position.before ?? position.after;
  if (anchorId === undefined) {
    if (existing !== undefined) return ok(withKind(user, kind, current.map((r, i) => (i === existingIndex ? rule : r))));
    return ok(withKind(user, kind, [rule, ...current]));
  }
  if (anchorId.startsWith(".") || isDefaultPushRuleId(kind, anchorId)) {
    return err(invalidPushRule("relative_to_default", `cannot place a rule relative to server-default rule ${anchorId}`));
  }
  const others = current.filter((r) => r.rule_id !== ruleId);
  const anchor = others.findIndex((r) => r.rule_id === anchorId);
  if (anchor < 0) return err(invalidPushRule("unknown_relative_rule", `before/after rule not found: ${anchorId}`));
  const at = position.before !== undefined ? anchor : anchor + 1;
  return ok(withKind(user, kind, [...others.slice(0, at), rule, ...others.slice(at)]));
}

export function deleteUserPushRule(
  user: UserPushRules,
  kind: PushRuleKind,
  ruleId: string,
): Result<UserPushRules, PushRuleError> {
  if (isDefaultPushRuleId(kind, ruleId)) {
    return err(invalidPushRule("default_rule_not_deletable", `server-default rule ${ruleId} cannot be deleted`));
  }
  const current = user.rules[kind];
  if (!current.some((r) => r.rule_id === ruleId)) return err(notFound(kind, ruleId));
  return ok(withKind(user, kind, current.filter((r) => r.rule_id !== ruleId)));
}

function updateRule(
  user: UserPushRules,
  kind: PushRuleKind,
  ruleId: string,
  change: DefaultRuleSetting,
): Result<UserPushRules, PushRuleError> {
  if (isDefaultPushRuleId(kind, ruleId)) {
    const kindSettings = user.defaults[kind] ?? {};
    const setting = { ...kindSettings[ruleId], ...change };
    return ok({ ...user, defaults: { ...user.defaults, [kind]: { ...kindSettings, [ruleId]: setting } } });
  }
  const current = user.rules[kind];
  if (!current.some((r) => r.rule_id === ruleId)) return err(notFound(kind, ruleId));
  return ok(withKind(user, kind, current.map((r) => (r.rule_id === ruleId ? { ...r, ...change } : r))));
}

/** PUT .../enabled: works on defaults (stored as a setting) and on user rules alike. */
export const setPushRuleEnabled = (
  user: UserPushRules,
  kind: PushRuleKind,
  ruleId: string,
  enabled: boolean,
): Result<UserPushRules, PushRuleError> => updateRule(user, kind, ruleId, { enabled });

/** PUT .../actions: the actions must already have been parsed with parsePushActions. */
export const setPushRuleActions = (
  user: UserPushRules,
  kind: PushRuleKind,
  ruleId: string,
  actions: readonly PushAction[],
): Result<UserPushRules, PushRuleError> => updateRule(user, kind, ruleId, { actions });

/** GET of one rule (or its enabled flag / actions) reads the merged view. */
export function findPushRule(ruleset: PushRuleset, kind: PushRuleKind, ruleId: string): PushRule | undefined {
  return ruleset[kind].find((r) => r.rule_id === ruleId);
}
