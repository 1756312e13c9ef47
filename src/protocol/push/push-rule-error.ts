// Tagged errors for push rule requests (→ M_INVALID_PARAM / M_BAD_JSON / M_NOT_FOUND at the API edge).

export type PushRuleErrorReason =
  /** Unknown kind in the path. */
  | "invalid_kind"
  /** A rule id starting with "." (reserved for server defaults), or containing "/" or "\". */
  | "invalid_rule_id"
  /** The body is not an object, or a field has the wrong shape. */
  | "invalid_body"
  | "invalid_action"
  | "invalid_condition"
  /** A content rule without a string `pattern`. */
  | "missing_pattern"
  /** `before`/`after` names a server-default rule, which user rules cannot be placed against. */
  | "relative_to_default"
  /** `before`/`after` names no rule of that kind. */
  | "unknown_relative_rule"
  /** DELETE on a server-default rule: those can only be disabled or given other actions. */
  | "default_rule_not_deletable";

export interface InvalidPushRule {
  readonly _tag: "InvalidPushRule";
  readonly reason: PushRuleErrorReason;
  readonly message: string;
}

export interface PushRuleNotFound {
  readonly _tag: "PushRuleNotFound";
  readonly reason: "not_found";
  readonly kind: string;
  readonly ruleId: string;
}

export type PushRuleError = InvalidPushRule | PushRuleNotFound;

export const invalidPushRule = (reason: PushRuleErrorReason, message: string): InvalidPushRule => ({
  _tag: "InvalidPushRule",
  reason,
  message,
});
