// Shared pieces of the ephemeral routes: the caller must be the path's user and joined to the room; telling /sync.
import { Effect } from "effect";
import type { Context } from "hono";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";
import type { EphemeralRequestError } from "../../../protocol/ephemeral/ephemeral-requests";
import type { Result } from "../../../protocol/result";
import { ephemeralError, type EphemeralError } from "../../../readmodels/ephemeral-error";
import { membershipOf } from "../../../readmodels/room-queries";
import type { AuthedEnv } from "../../auth-middleware";

/** The `{userId}` path parameter, which must be the caller. */
export function ownUserParam(c: Context<AuthedEnv>, what: string): Effect.Effect<string, EphemeralError> {
  const userId = c.req.param("userId") ?? "";
  return userId === c.var.requester.userId
    ? Effect.succeed(userId)
    : Effect.fail(ephemeralError("other_user", `Cannot set ${what} of other users`));
}

/** The caller is joined to the room now (typing and receipts are for members only). */
export function requireJoined(c: Context<AuthedEnv>, roomId: string): Effect.Effect<void, EphemeralError> {
  return Effect.promise(() => membershipOf(c.env.DB, c.var.requester.userId, roomId)).pipe(
    Effect.flatMap((row) =>
      row?.membership === "join" ? Effect.void : Effect.fail(ephemeralError("not_joined", "You are not joined to this room")),
    ),
  );
}

/** A parsed body, or its refusal as the route's error. */
export const fromRequest = <T>(result: Result<T, EphemeralRequestError>): Effect.Effect<T, EphemeralError> =>
  result.ok ? Effect.succeed(result.value) : Effect.fail(ephemeralError(result.error.reason, result.error.message));

/**
 * Wakes long-polls waiting on `stream` ("receipt", "presence"). The write has committed already, so
 * a notifier failure must not fail the request: waiting syncs then see the change at their timeout.
 */
export function announce(c: Context<AuthedEnv>, stream: string, position: number | undefined): Effect.Effect<void> {
  if (position === undefined) return Effect.void;
  return Effect.promise(() =>
    syncNotifierClient(c.env.SYNC_NOTIFIER)
      .advance(stream, position)
      .catch((e: unknown) => console.warn(`${stream}: notifier advance failed: ${String(e)}`)),
  );
}
