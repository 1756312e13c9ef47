// Shared pieces of the room routes: path and query parameters, and reaching the room DO as an Effect.
import { Effect } from "effect";
import type { Context } from "hono";
import { submitToRoom, type RoomEventCommand, type Submitted } from "../../../durable/room-client";
import { parseRoomId } from "../../../protocol/identifiers/room-id";
import { parseUserId } from "../../../protocol/identifiers/user-id";
import type { AuthedEnv } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";

const invalidParam = (message: string) => new RequestDecodeError({ reason: "invalid_param", message });
const missingParam = (message: string) => new RequestDecodeError({ reason: "missing_param", message });

/** The `{roomId}` path parameter, checked against the room ID grammar before any DO is addressed. */
export function roomIdParam(c: Context<AuthedEnv>, name = "roomId"): Effect.Effect<string, RequestDecodeError> {
  const text = c.req.param(name) ?? "";
  return parseRoomId(text).ok ? Effect.succeed(text) : Effect.fail(invalidParam(`${JSON.stringify(text.slice(0, 100))} is not a room ID`));
}

/** A user ID from a body or parameter, in the historical grammar events must still accept. */
export function userIdValue(text: string, what: string): Effect.Effect<string, RequestDecodeError> {
  return parseUserId(text).ok ? Effect.succeed(text) : Effect.fail(invalidParam(`${what} is not a user ID`));
}

/** A non-negative integer query parameter; absent or empty reads as undefined. */
export function intQuery(c: Context<AuthedEnv>, name: string, max: number): Effect.Effect<number | undefined, RequestDecodeError> {
  const text = c.req.query(name);
  if (text === undefined || text === "") return Effect.succeed(undefined);
  if (!/^[0-9]{1,16}$/.test(text)) return Effect.fail(invalidParam(`${name} must be a non-negative integer`));
  return Effect.succeed(Math.min(Number(text), max));
}

export function requiredQuery(c: Context<AuthedEnv>, name: string): Effect.Effect<string, RequestDecodeError> {
  const text = c.req.query(name);
  return text === undefined ? Effect.fail(missingParam(`${name} is required`)) : Effect.succeed(text);
}

/**
 * Sends a command to its room's DO. A rejection (Forbidden, NotFound, TooLarge, ...) fails the
 * Effect as the tagged value it is, so the one error table picks the errcode.
 */
export function submit(c: Context<AuthedEnv>, command: RoomEventCommand): Effect.Effect<Submitted, unknown> {
  return Effect.promise(() => submitToRoom(c.env.ROOMS, command)).pipe(
    Effect.flatMap((result) => (result.ok ? Effect.succeed(result.value) : Effect.fail(result.error))),
  );
}
