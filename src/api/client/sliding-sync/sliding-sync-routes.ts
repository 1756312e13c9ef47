// POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync: simplified sliding sync (MSC4186), long-polled on the sync notifier.
import { Effect } from "effect";
import { Hono } from "hono";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";
import { typingClient } from "../../../durable/typing-client";
import { readPresenceTiming } from "../../../platform/presence-timing";
import { WallClock } from "../../../platform/wall-clock";
import { presenceOnSync } from "../../../readmodels/presence-store";
import { parseSetPresence, parseSlidingSyncRequest } from "../../../protocol/sliding-sync/sliding-sync-request";
import { slidingSyncWithLongPoll } from "../../../readmodels/sliding-sync-response";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { armPresenceTimer } from "../ephemeral/presence-routes";
import { intQuery } from "../rooms/room-request";

/** A long-poll is held at most this long whatever the client asks. */
const MAX_TIMEOUT_MS = 60_000;

const slidingSync = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const queryTimeout = yield* intQuery(c, "timeout", MAX_TIMEOUT_MS);
    const queryPresence = parseSetPresence(c.req.query("set_presence"));
    if (!queryPresence.ok) return yield* Effect.fail(queryPresence.error);
    const body = yield* readJsonObject(c.req.raw, { emptyAsObject: true });
    const request = parseSlidingSyncRequest(body);
    if (!request.ok) return yield* Effect.fail(request.error);
    // pos, timeout and set_presence: the query's when given, else the body's.
    const pos = c.req.query("pos") ?? request.value.pos;
    const timeoutMs = Math.min(queryTimeout ?? request.value.timeoutMs ?? 0, MAX_TIMEOUT_MS);
    const presence = queryPresence.value ?? request.value.setPresence ?? "online";
    const clock = yield* WallClock;
    const notifier = syncNotifierClient(c.env.SYNC_NOTIFIER);
    // As /sync: a presence change others must see advances the presence stream and arms the presence timer.
    const position = yield* Effect.promise(() => presenceOnSync(c.env.DB, me.userId, presence, clock.nowMs()));
    if (position !== undefined) {
      yield* Effect.promise(() => notifier.advance("presence", position));
      yield* armPresenceTimer(c.env, me.userId, yield* readPresenceTiming(c.env), true);
    }
    const result = yield* Effect.promise(() =>
      slidingSyncWithLongPoll(
        c.env.DB,
        {
          userId: me.userId,
          deviceId: me.deviceId,
          pos: pos === undefined || pos === "" ? undefined : pos,
          request: request.value,
          now: clock.nowMs(),
          typing: typingClient(c.env.TYPING),
          timeoutMs,
        },
        notifier,
        clock.nowMs,
      ),
    );
    if (!result.ok) return yield* Effect.fail(result.error);
    return c.json(result.value.body);
  }),
);

export const slidingSyncRoutes = new Hono<AuthedEnv>().post("/unstable/org.matrix.simplified_msc3575/sync", requireAuth(), slidingSync);
