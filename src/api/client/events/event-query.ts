// Query parameters shared by the event, context, relations and threads routes.
import { Effect } from "effect";
import type { Context } from "hono";
import { parseRoomEventFilter } from "../../../protocol/filters/parse-filter";
import type { RoomEventFilter } from "../../../protocol/filters/filter-definition";
import { parseStrictJson } from "../../../protocol/strict-json";
import type { AuthedEnv } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";

export const invalidParam = (message: string) => new RequestDecodeError({ reason: "invalid_param", message });

/** A path parameter that is an event ID; anything else cannot name an event (it is simply not found later). */
export const eventIdParam = (c: Context<AuthedEnv>): string => c.req.param("eventId") ?? "";

/** `filter`: a RoomEventFilter as JSON text (the /context and /messages form; filter IDs are not accepted here). */
export function roomEventFilterQuery(c: Context<AuthedEnv>): Effect.Effect<RoomEventFilter | undefined, RequestDecodeError> {
  const text = c.req.query("filter");
  if (text === undefined || text === "") return Effect.succeed(undefined);
  const json = parseStrictJson(text, { allowFloats: false });
  if (!json.ok) return Effect.fail(invalidParam("filter is not JSON"));
  const filter = parseRoomEventFilter(json.value);
  return filter.ok ? Effect.succeed(filter.value) : Effect.fail(invalidParam(`filter: ${filter.error.message}`));
}

export function booleanQuery(c: Context<AuthedEnv>, name: string): Effect.Effect<boolean, RequestDecodeError> {
  const text = c.req.query(name);
  if (text === undefined || text === "false") return Effect.succeed(false);
  if (text === "true") return Effect.succeed(true);
  return Effect.fail(invalidParam(`${name} must be true or false`));
}
