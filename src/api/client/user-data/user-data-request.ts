// Shared pieces of the per-user data routes: the `{userId}` must be the caller, and telling /sync about a change.
import { Effect } from "effect";
import type { Context } from "hono";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";
import type { AuthedEnv } from "../../auth-middleware";
import { UserDataError } from "./user-data-error";

/** The `{userId}` path parameter, which must be the caller: nobody reads or writes another user's data. */
export function ownUserParam(c: Context<AuthedEnv>, what: string): Effect.Effect<string, UserDataError> {
  const userId = c.req.param("userId") ?? "";
  return userId === c.var.requester.userId
    ? Effect.succeed(userId)
    : Effect.fail(new UserDataError({ reason: "other_user", message: `Cannot access ${what} of other users` }));
}

/**
 * Wakes long-polls waiting on the account-data stream. The write has committed already, so a
 * notifier failure must not fail the request: waiting syncs then see the change at their timeout.
 */
export function announceAccountData(c: Context<AuthedEnv>, position: number): Effect.Effect<void> {
  return Effect.promise(() =>
    syncNotifierClient(c.env.SYNC_NOTIFIER)
      .advance("account_data", position)
      .catch((e: unknown) => console.warn(`account data: notifier poke failed: ${String(e)}`)),
  );
}
