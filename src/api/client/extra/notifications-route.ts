// GET /_matrix/client/v3/notifications?from=&limit=&only=highlight (spec "Push Notifications", "Listing notifications").
import { Effect } from "effect";
import { Hono } from "hono";
import { WallClock } from "../../../platform/wall-clock";
import { notificationsFor } from "../../../readmodels/notifications";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { intQuery } from "../rooms/room-request";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

const invalidParam = (message: string) => new RequestDecodeError({ reason: "invalid_param", message });

const getNotifications = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const from = c.req.query("from");
    // `from` is a next_token this endpoint gave: a stream position.
    if (from !== undefined && from !== "" && !/^[0-9]{1,15}$/.test(from)) return yield* Effect.fail(invalidParam("from is not a token from this endpoint"));
    const limit = (yield* intQuery(c, "limit", MAX_LIMIT)) ?? DEFAULT_LIMIT;
    const only = c.req.query("only");
    if (only !== undefined && only !== "" && only !== "highlight") return yield* Effect.fail(invalidParam("only may only be 'highlight'"));
    const now = (yield* WallClock).nowMs();
    const page = yield* Effect.promise(() =>
      notificationsFor(c.env.DB, {
        userId: me.userId,
        deviceId: me.deviceId,
        limit,
        onlyHighlight: only === "highlight",
        now,
        ...(from === undefined || from === "" ? {} : { before: Number(from) }),
      }),
    );
    return c.json(page);
  }),
);

export const notificationsRoutes = new Hono<AuthedEnv>().get("/notifications", requireAuth(), getNotifications);
