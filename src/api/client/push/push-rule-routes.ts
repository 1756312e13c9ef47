// GET /pushrules/, /pushrules/global/, and GET/PUT/DELETE /pushrules/global/{kind}/{ruleId} with its /enabled and /actions.
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";
import type { JsonObject } from "../../../protocol/json-value";
import { parsePushActions, parsePushRuleBody, parsePushRuleKind, validateUserRuleId } from "../../../protocol/push/push-rule-body";
import { pushActionToJson, pushRuleToJson, pushRulesetToJson, type PushRuleKind } from "../../../protocol/push/push-rule";
import type { PushRuleError } from "../../../protocol/push/push-rule-error";
import {
  deleteUserPushRule,
  findPushRule,
  putUserPushRule,
  setPushRuleActions,
  setPushRuleEnabled,
  type RulePosition,
  type UserPushRules,
} from "../../../protocol/push/user-push-rules";
import type { Result } from "../../../protocol/result";
import { editUserPushRules, effectivePushRules, publishPushRulesAccountData } from "../../../readmodels/push-rule-store";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { readJsonObject } from "../../json-body";

/** The only scope the spec still defines; device scopes were removed. */
const GLOBAL_SCOPE = "global";

/** The protocol's not-found value carries no text, so the spec's message is added for the error body. */
const withMessage = (error: PushRuleError): PushRuleError =>
  error._tag === "PushRuleNotFound" ? { ...error, message: `No ${error.kind} push rule ${error.ruleId}` } as PushRuleError : error;

const fromResult = <T>(result: Result<T, PushRuleError>): Effect.Effect<T, PushRuleError> =>
  result.ok ? Effect.succeed(result.value) : Effect.fail(withMessage(result.error));

function scopeParam(c: Context<AuthedEnv>): Effect.Effect<void, RequestDecodeError> {
  const scope = c.req.param("scope") ?? "";
  return scope === GLOBAL_SCOPE
    ? Effect.void
    : Effect.fail(new RequestDecodeError({ reason: "invalid_param", message: `Unknown push rule scope: ${scope.slice(0, 100)}` }));
}

interface RuleAddress {
  readonly kind: PushRuleKind;
  readonly ruleId: string;
}

function ruleAddress(c: Context<AuthedEnv>): Effect.Effect<RuleAddress, RequestDecodeError | PushRuleError> {
  return Effect.gen(function* () {
    yield* scopeParam(c);
    const kind = yield* fromResult(parsePushRuleKind(c.req.param("kind") ?? ""));
    return { kind, ruleId: c.req.param("ruleId") ?? "" };
  });
}

const notFound = (address: RuleAddress): PushRuleError =>
  withMessage({ _tag: "PushRuleNotFound", reason: "not_found", kind: address.kind, ruleId: address.ruleId });

/** One rule of the caller's effective ruleset (a user rule or a default with the user's settings). */
function effectiveRule(c: Context<AuthedEnv>, address: RuleAddress) {
  return Effect.gen(function* () {
    const ruleset = yield* Effect.promise(() => effectivePushRules(c.env.DB, c.var.requester.userId));
    const rule = findPushRule(ruleset, address.kind, address.ruleId);
    return rule === undefined ? yield* Effect.fail(notFound(address)) : rule;
  });
}

/**
 * Stores the edit, then republishes m.push_rules account data and wakes waiting syncs so every
 * client sees the new rules. The notifier poke is best effort: the write has committed already.
 */
function edit(c: Context<AuthedEnv>, change: (rules: UserPushRules) => Result<UserPushRules, PushRuleError>) {
  return Effect.gen(function* () {
    const userId = c.var.requester.userId;
    const stored = yield* Effect.promise(() => editUserPushRules(c.env.DB, userId, change));
    yield* fromResult(stored);
    const position = yield* Effect.promise(() => publishPushRulesAccountData(c.env.DB, userId));
    yield* Effect.promise(() =>
      syncNotifierClient(c.env.SYNC_NOTIFIER)
        .advance("account_data", position)
        .catch((e: unknown) => console.warn(`push rules: notifier poke failed: ${String(e)}`)),
    );
    return c.json({});
  });
}

const getAll = authedRoute((c) =>
  Effect.gen(function* () {
    const ruleset = yield* Effect.promise(() => effectivePushRules(c.env.DB, c.var.requester.userId));
    return c.json({ global: pushRulesetToJson(ruleset) });
  }),
);

const getScope = authedRoute((c) =>
  Effect.gen(function* () {
    yield* scopeParam(c);
    const ruleset = yield* Effect.promise(() => effectivePushRules(c.env.DB, c.var.requester.userId));
    return c.json(pushRulesetToJson(ruleset));
  }),
);

const getRule = authedRoute((c) =>
  Effect.gen(function* () {
    const rule = yield* effectiveRule(c, yield* ruleAddress(c));
    return c.json(pushRuleToJson(rule));
  }),
);

/** `before` and `after` are query parameters; an empty one counts as absent. */
function positionOf(c: Context<AuthedEnv>): RulePosition {
  const before = c.req.query("before");
  const after = c.req.query("after");
  return {
    ...(before === undefined || before === "" ? {} : { before }),
    ...(after === undefined || after === "" ? {} : { after }),
  };
}

const putRule = authedRoute((c) =>
  Effect.gen(function* () {
    const { kind, ruleId } = yield* ruleAddress(c);
    yield* fromResult(validateUserRuleId(ruleId));
    // Conditions may compare integers only, but a client may still store fractions in tweaks.
    const raw = yield* readJsonObject(c.req.raw, { allowFloats: true });
    const body = yield* fromResult(parsePushRuleBody(kind, raw));
    const position = positionOf(c);
    return yield* edit(c, (rules) => putUserPushRule(rules, kind, ruleId, body, position));
  }),
);

const deleteRule = authedRoute((c) =>
  Effect.gen(function* () {
    const { kind, ruleId } = yield* ruleAddress(c);
    return yield* edit(c, (rules) => deleteUserPushRule(rules, kind, ruleId));
  }),
);

const getEnabled = authedRoute((c) =>
  Effect.gen(function* () {
    const rule = yield* effectiveRule(c, yield* ruleAddress(c));
    return c.json({ enabled: rule.enabled });
  }),
);

const putEnabled = authedRoute((c) =>
  Effect.gen(function* () {
    const { kind, ruleId } = yield* ruleAddress(c);
    const body: JsonObject = yield* readJsonObject(c.req.raw);
    const enabled = body["enabled"];
    if (typeof enabled !== "boolean") {
      return yield* Effect.fail(new RequestDecodeError({ reason: "bad_json", message: "enabled must be a boolean" }));
    }
    return yield* edit(c, (rules) => setPushRuleEnabled(rules, kind, ruleId, enabled));
  }),
);

const getActions = authedRoute((c) =>
  Effect.gen(function* () {
    const rule = yield* effectiveRule(c, yield* ruleAddress(c));
    return c.json({ actions: rule.actions.map(pushActionToJson) });
  }),
);

const putActions = authedRoute((c) =>
  Effect.gen(function* () {
    const { kind, ruleId } = yield* ruleAddress(c);
    const body = yield* readJsonObject(c.req.raw, { allowFloats: true });
    const actions = yield* fromResult(parsePushActions(body["actions"]));
    return yield* edit(c, (rules) => setPushRuleActions(rules, kind, ruleId, actions));
  }),
);

const RULE = "/pushrules/:scope/:kind/:ruleId";

// Both spellings of the collection paths: the spec writes a trailing slash, some clients drop it.
export const pushRuleRoutes = new Hono<AuthedEnv>()
  .get("/pushrules/", requireAuth(), getAll)
  .get("/pushrules", requireAuth(), getAll)
  .get("/pushrules/:scope/", requireAuth(), getScope)
  .get("/pushrules/:scope", requireAuth(), getScope)
  .get(RULE, requireAuth(), getRule)
  .put(RULE, requireAuth(), putRule)
  .delete(RULE, requireAuth(), deleteRule)
  .get(`${RULE}/enabled`, requireAuth(), getEnabled)
  .put(`${RULE}/enabled`, requireAuth(), putEnabled)
  .get(`${RULE}/actions`, requireAuth(), getActions)
  .put(`${RULE}/actions`, requireAuth(), putActions);
