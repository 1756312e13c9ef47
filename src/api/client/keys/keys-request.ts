// Shared steps of the /keys routes: failing with a key error, optional object fields, local users.
import { Effect } from "effect";
import type { Context } from "hono";
import type { E2eeKeyError } from "../../../protocol/e2ee/key-error";
import { e2eeKeyError } from "../../../protocol/e2ee/key-error";
import { isJsonObject, type JsonObject, type JsonValue } from "../../../protocol/json-value";
import type { Result } from "../../../protocol/result";
import type { AuthedEnv } from "../../auth-middleware";

export const orFail = <T>(result: Result<T, E2eeKeyError>): Effect.Effect<T, E2eeKeyError> =>
  result.ok ? Effect.succeed(result.value) : Effect.fail(result.error);

/** A body field that must be an object when present. */
export function optionalObject(body: JsonObject, field: string): Effect.Effect<JsonObject | undefined, E2eeKeyError> {
  const value: JsonValue | undefined = body[field];
  if (value === undefined) return Effect.succeed(undefined);
  return isJsonObject(value) ? Effect.succeed(value) : Effect.fail(e2eeKeyError("bad_json", `${field} must be an object`));
}

/** The server part of a user ID (everything after the first colon). */
export const serverOf = (userId: string): string => userId.slice(userId.indexOf(":") + 1);
