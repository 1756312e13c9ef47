// Wakes long-polling /syncs after a device-list change (keys uploaded, a device renamed or deleted).
import { Effect } from "effect";
import type { Context } from "hono";
import { syncNotifierClient } from "../durable/sync-notifier-client";
import type { AuthedEnv } from "./auth-middleware";

/**
 * Tells the notifier that the device-list stream reached `position` (undefined: nothing was
 * recorded, e.g. a deleted device had no keys). The change is committed already, so a notifier
 * failure does not fail the request: waiting syncs then see it at their timeout.
 */
export function announceDeviceListChange(c: Context<AuthedEnv>, position: number | undefined): Effect.Effect<void> {
  if (position === undefined) return Effect.void;
  return Effect.promise(() =>
    syncNotifierClient(c.env.SYNC_NOTIFIER)
      .advance("device_lists", position)
      .catch((e: unknown) => console.warn(`device_lists: notifier advance failed: ${String(e)}`)),
  );
}
