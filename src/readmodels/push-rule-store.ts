// Each user's push rules as D1 records (not projections: replay keeps them), mirrored into m.push_rules account data.
import type { JsonObject } from "../protocol/json-value";
import { pushRulesetToJson, type PushRuleset } from "../protocol/push/push-rule";
import type { PushRuleError } from "../protocol/push/push-rule-error";
import { emptyUserPushRules, mergePushRules, type UserPushRules } from "../protocol/push/user-push-rules";
import { ok, type Result } from "../protocol/result";
import { getAccountData, putAccountData } from "./account-data";

export const PUSH_RULES_ACCOUNT_DATA_TYPE = "m.push_rules";

export interface StoredPushRules {
  readonly rules: UserPushRules;
  /** 0 when the user has no row yet (never changed anything). */
  readonly version: number;
}

/** The user's own rules and default-rule settings; a user without a row has none. */
export async function loadUserPushRules(db: D1Database, userId: string): Promise<StoredPushRules> {
  const row = await db
    .prepare("SELECT rules_json, version FROM push_rules WHERE user_id = ?")
    .bind(userId)
    .first<{ rules_json: string; version: number }>();
  if (row === null) return { rules: emptyUserPushRules(), version: 0 };
  // Only this module writes the column, always from a UserPushRules value.
  return { rules: JSON.parse(row.rules_json) as UserPushRules, version: row.version };
}

/** The effective ruleset (defaults merged with the user's rules), as GET /pushrules and evaluation use it. */
export async function effectivePushRules(db: D1Database, userId: string): Promise<PushRuleset> {
  const stored = await loadUserPushRules(db, userId);
  return mergePushRules(userId, stored.rules);
}

/** The content of the m.push_rules account data event: the ruleset under the `global` scope. */
export const pushRulesAccountDataContent = (ruleset: PushRuleset): JsonObject => ({ global: pushRulesetToJson(ruleset) });

/** Read-modify-write retries before giving up; each retry means another edit landed in between. */
const MAX_EDIT_ATTEMPTS = 8;

/**
 * Applies `edit` to the user's stored rules atomically: D1 has no interactive transactions, so the
 * write lands only if the row still has the version it was read at, and is retried otherwise.
 * An edit that fails (unknown rule, bad anchor) writes nothing.
 */
export async function editUserPushRules(
  db: D1Database,
  userId: string,
  edit: (rules: UserPushRules) => Result<UserPushRules, PushRuleError>,
): Promise<Result<StoredPushRules, PushRuleError>> {
  for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt++) {
    const current = await loadUserPushRules(db, userId);
    const next = edit(current.rules);
    if (!next.ok) return next;
    const version = current.version + 1;
    const json = JSON.stringify(next.value);
    const written =
      current.version === 0
        ? await db
            .prepare("INSERT INTO push_rules (user_id, rules_json, version) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING RETURNING version")
            .bind(userId, json, version)
            .first<{ version: number }>()
        : await db
            .prepare("UPDATE push_rules SET rules_json = ?, version = ? WHERE user_id = ? AND version = ? RETURNING version")
            .bind(json, version, userId, current.version)
            .first<{ version: number }>();
    if (written !== null) return ok({ rules: next.value, version });
  }
  throw new Error("push rule edit kept conflicting with concurrent edits");
}

/**
 * Writes the user's current rules as m.push_rules account data and returns its stream position.
 * Two edits racing could otherwise leave the older ruleset as the last account data written, so
 * after each write the rules' version is checked again and the write repeated when it moved: the
 * last writer to see an unchanged version has written the newest rules.
 */
export async function publishPushRulesAccountData(db: D1Database, userId: string): Promise<number> {
  let position = 0;
  // Giving up is safe: whoever keeps moving the version publishes again after its own edit.
  for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt++) {
    const stored = await loadUserPushRules(db, userId);
    const content = pushRulesAccountDataContent(mergePushRules(userId, stored.rules));
    position = await putAccountData(db, { userId, type: PUSH_RULES_ACCOUNT_DATA_TYPE }, content);
    const after = await loadUserPushRules(db, userId);
    if (after.version === stored.version) break;
  }
  return position;
}

/**
 * The m.push_rules content for /sync: the stored account data when the user ever changed a rule,
 * otherwise the defaults (a user who never changed anything has no account data row, yet clients
 * expect m.push_rules in their initial sync).
 */
export async function pushRulesForSync(db: D1Database, userId: string): Promise<JsonObject> {
  const stored = await getAccountData(db, { userId, type: PUSH_RULES_ACCOUNT_DATA_TYPE });
  return stored ?? pushRulesAccountDataContent(mergePushRules(userId, emptyUserPushRules()));
}
