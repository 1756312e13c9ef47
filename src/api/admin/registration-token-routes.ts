// Synapse-compatible admin API for registration tokens: list, create, read, update, delete.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { accountError } from "../../accounts/account-errors";
import {
  createRegistrationToken,
  deleteRegistrationToken,
  getRegistrationToken,
  listRegistrationTokens,
  type RegistrationToken,
  updateRegistrationToken,
} from "../../accounts/registration-token-store";
import type { JsonObject } from "../../protocol/json-value";
import { WallClock } from "../../platform/wall-clock";
import { authedRoute, type AuthedEnv } from "../auth-middleware";
import { readJsonBody } from "../json-body";
import { matrixError } from "../matrix-error";
import { requireAdmin } from "./require-admin";

const OptionalLimit = Schema.optionalKey(Schema.NullOr(Schema.Number));

const NewTokenBody = Schema.Struct({
  token: Schema.optionalKey(Schema.String),
  length: Schema.optionalKey(Schema.Number),
  uses_allowed: OptionalLimit,
  expiry_time: OptionalLimit,
});

const UpdateTokenBody = Schema.Struct({ uses_allowed: OptionalLimit, expiry_time: OptionalLimit });

/** The response shape of Synapse's admin API, which admin tools expect. */
export const registrationTokenJson = (token: RegistrationToken): JsonObject => ({
  token: token.token,
  uses_allowed: token.usesAllowed,
  pending: token.pending,
  completed: token.completed,
  expiry_time: token.expiryTime,
});

const tokenParam = (path: string | undefined): string => path ?? "";

export const registrationTokenRoutes = new Hono<AuthedEnv>()
  .use("*", requireAdmin)
  .get(
    "/",
    authedRoute((c) =>
      Effect.gen(function* () {
        const validText = c.req.query("valid");
        if (validText !== undefined && validText !== "true" && validText !== "false") {
          return yield* Effect.fail(matrixError(400, "M_INVALID_PARAM", "valid must be true or false"));
        }
        const now = (yield* WallClock).nowMs();
        const valid = validText === undefined ? undefined : validText === "true";
        const tokens = yield* Effect.promise(() => listRegistrationTokens(c.env.DB, now, valid));
        return c.json({ registration_tokens: tokens.map(registrationTokenJson) });
      }),
    ),
  )
  .post(
    "/new",
    authedRoute((c) =>
      Effect.gen(function* () {
        const body = yield* readJsonBody(c.req.raw, NewTokenBody, { emptyAsObject: true });
        const now = (yield* WallClock).nowMs();
        const created = yield* Effect.promise(() =>
          createRegistrationToken(c.env.DB, {
            ...(body.token === undefined ? {} : { token: body.token }),
            ...(body.length === undefined ? {} : { length: body.length }),
            ...(body.uses_allowed === undefined ? {} : { usesAllowed: body.uses_allowed }),
            ...(body.expiry_time === undefined ? {} : { expiryTime: body.expiry_time }),
            now,
          }),
        );
        if (!created.ok) return yield* Effect.fail(created.error);
        return c.json(registrationTokenJson(created.value));
      }),
    ),
  )
  .get(
    "/:token",
    authedRoute((c) =>
      Effect.gen(function* () {
        const token = tokenParam(c.req.param("token"));
        const now = (yield* WallClock).nowMs();
        const found = yield* Effect.promise(() => getRegistrationToken(c.env.DB, token, now));
        if (found === null) return yield* Effect.fail(accountError("RegistrationTokenNotFound", `No such registration token: ${token}`));
        return c.json(registrationTokenJson(found));
      }),
    ),
  )
  .put(
    "/:token",
    authedRoute((c) =>
      Effect.gen(function* () {
        const token = tokenParam(c.req.param("token"));
        const body = yield* readJsonBody(c.req.raw, UpdateTokenBody, { emptyAsObject: true });
        const now = (yield* WallClock).nowMs();
        const updated = yield* Effect.promise(() =>
          updateRegistrationToken(
            c.env.DB,
            token,
            {
              ...(body.uses_allowed === undefined ? {} : { usesAllowed: body.uses_allowed }),
              ...(body.expiry_time === undefined ? {} : { expiryTime: body.expiry_time }),
            },
            now,
          ),
        );
        if (!updated.ok) return yield* Effect.fail(updated.error);
        return c.json(registrationTokenJson(updated.value));
      }),
    ),
  )
  .delete(
    "/:token",
    authedRoute((c) =>
      Effect.gen(function* () {
        const deleted = yield* Effect.promise(() => deleteRegistrationToken(c.env.DB, tokenParam(c.req.param("token"))));
        if (!deleted.ok) return yield* Effect.fail(deleted.error);
        return c.json({});
      }),
    ),
  );
