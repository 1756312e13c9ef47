// GET and PUT /presence/{userId}/status: set your own presence; read that of users you share a room with.
import { Effect } from "effect";
import { Hono } from "hono";
import type { PresenceTiming } from "../../../protocol/ephemeral/presence-timeout";
import { isPresenceState, presenceContent } from "../../../protocol/ephemeral/presence-view";
import { presenceTimerClient } from "../../../durable/presence-timer-client";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";
import { readPresenceTiming } from "../../../platform/presence-timing";
import { WallClock } from "../../../platform/wall-clock";
import { ephemeralError } from "../../../readmodels/ephemeral-error";
import { readProfile } from "../../../readmodels/profile-store";
import { getPresence, isActiveLocalUser, presenceOnSync, putPresence, shareARoom } from "../../../readmodels/presence-store";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { rateLimit } from "../../rate-limit";
import { announce, ownUserParam } from "./ephemeral-request";

/** The notifier stream of presence. */
export const PRESENCE_STREAM = "presence";

/**
 * Spec: `presence` is required, one of online/unavailable/offline; `status_msg` a string. Setting
 * presence counts as activity, so the last-active time becomes now. A status message left out (or
 * null) is cleared: the body is the user's whole new status.
 */
const putStatus = authedRoute((c) =>
  Effect.gen(function* () {
    const userId = yield* ownUserParam(c, "the presence");
    yield* rateLimit(c, "presence", { userId });
    const body = yield* readJsonObject(c.req.raw);
    const state = body["presence"];
    if (!isPresenceState(state)) return yield* Effect.fail(ephemeralError("bad_json", "presence must be one of online, unavailable, offline"));
    const statusMsg = body["status_msg"];
    if (statusMsg !== undefined && statusMsg !== null && typeof statusMsg !== "string") {
      return yield* Effect.fail(ephemeralError("bad_json", "status_msg must be a string"));
    }
    const timing = yield* readPresenceTiming(c.env);
    const now = (yield* WallClock).nowMs();
    const position = yield* Effect.promise(() => putPresence(c.env.DB, userId, { state, statusMsg: statusMsg ?? null, lastActiveTs: now }));
    yield* announce(c, PRESENCE_STREAM, position);
    // The idle timeout (and, for a user online through /sync, going offline) is pushed by the timer.
    if (state !== "offline") yield* armPresenceTimer(c.env, userId, timing, false);
    return c.json({});
  }),
);

/**
 * Starts (or moves earlier) the user's presence timer after a visible change. The change has
 * committed: a timer failure must not fail the request, the user then stays as set until their
 * next change (reads still compute the idle timeout).
 */
export function armPresenceTimer(env: AuthedEnv["Bindings"], userId: string, timing: PresenceTiming, viaSync: boolean): Effect.Effect<void> {
  return Effect.promise(() =>
    presenceTimerClient(env.PRESENCE_TIMER)
      .arm(userId, timing, viaSync)
      .catch((e: unknown) => console.warn(`presence timer: arm failed: ${String(e)}`)),
  );
}

/**
 * Spec "Presence": any activity bumps the last-active time and makes the user online again (an
 * idle or manually unavailable user included). For routes that count as activity, e.g. sending a
 * message, off their response path: `c.executionCtx.waitUntil(markActive(c.env, userId, timing, now))`.
 * Like a /sync, it only writes a position (and wakes others) when what they see changes; otherwise
 * the activity time is refreshed in place, at most every 20 s. Never throws.
 */
export async function markActive(env: AuthedEnv["Bindings"], userId: string, timing: PresenceTiming, now: number): Promise<void> {
  try {
    const position = await presenceOnSync(env.DB, userId, "online", now);
    if (position === undefined) return;
    await syncNotifierClient(env.SYNC_NOTIFIER).advance(PRESENCE_STREAM, position);
    await presenceTimerClient(env.PRESENCE_TIMER).arm(userId, timing, false);
  } catch (e) {
    console.warn(`presence: activity of ${userId} not recorded: ${String(e)}`);
  }
}

/**
 * Spec: 403 when the caller may not see this user's presence (presence goes to users who share a
 * room), 404 when there is no such user. A known user who never set presence is offline.
 */
const getStatus = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester.userId;
    const userId = c.req.param("userId") ?? "";
    const db = c.env.DB;
    if (userId !== me) {
      if (!(yield* Effect.promise(() => isActiveLocalUser(db, userId)))) {
        return yield* Effect.fail(ephemeralError("unknown_user", "No presence for this user"));
      }
      if (!(yield* Effect.promise(() => shareARoom(db, me, userId)))) {
        return yield* Effect.fail(ephemeralError("presence_hidden", "You are not allowed to see their presence"));
      }
    }
    const [stored, profile] = yield* Effect.promise(() => Promise.all([getPresence(db, userId), readProfile(db, userId)]));
    if (stored === undefined) return c.json({ presence: "offline" });
    return c.json(presenceContent(stored, (yield* WallClock).nowMs(), profile));
  }),
);

export const presenceRoutes = new Hono<AuthedEnv>()
  .put("/presence/:userId/status", requireAuth(), putStatus)
  .get("/presence/:userId/status", requireAuth(), getStatus);
