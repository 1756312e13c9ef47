// POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync: simplified sliding sync (MSC4186), long-polled on the sync notifier.
import { Effect } from "effect";
import { Hono } from "hono";
import { syncNotifierClient } from "../../../durable/sync-notifier-client";
import { typingClient } from "../../../durable/typing-client";
import { WallClock } from "../../../platform/wall-clock";
import { parseSlidingSyncRequest } from "../../../protocol/sliding-sync/sliding-sync-request";
import { slidingSyncWithLongPoll } from "../../../readmodels/sliding-sync-response";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { readJsonObject } from "../../json-body";
import { intQuery } from "../rooms/room-request";

/** A long-poll is held at most this long whatever the client asks. */
const MAX_TIMEOUT_MS = 60_000;

const slidingSync = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const timeoutMs = (yield* intQuery(c, "timeout", MAX_TIMEOUT_MS)) ?? 0;
    const pos = c.req.query("pos");
    const body = yield* readJsonObject(c.req.raw, { emptyAsObject: true });
    const request = parseSlidingSyncRequest(body);
    if (!request.ok) return yield* Effect.fail(request.error);
    const clock = yield* WallClock;
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
        syncNotifierClient(c.env.SYNC_NOTIFIER),
        clock.nowMs,
      ),
    );
    if (!result.ok) return yield* Effect.fail(result.error);
    return c.json(result.value.body);
  }),
);

export const slidingSyncRoutes = new Hono<AuthedEnv>().post("/unstable/org.matrix.simplified_msc3575/sync", requireAuth(), slidingSync);
