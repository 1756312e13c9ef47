// GET /rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]] and GET /rooms/{roomId}/threads (client API v1).
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { WallClock } from "../../../platform/wall-clock";
import { MAX_RELATIONS_LIMIT, relationsOf } from "../../../readmodels/relations";
import { roomThreads } from "../../../readmodels/relations-threads";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { intQuery, roomIdParam } from "../rooms/room-request";
import { booleanQuery, eventIdParam, invalidParam } from "./event-query";

const relations = authedRoute((c: Context<AuthedEnv>) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const dir = c.req.query("dir") ?? "b";
    if (dir !== "b" && dir !== "f") return yield* Effect.fail(invalidParam("dir must be b or f"));
    const limit = yield* intQuery(c, "limit", MAX_RELATIONS_LIMIT);
    const recurse = yield* booleanQuery(c, "recurse");
    const relType = c.req.param("relType");
    const eventType = c.req.param("eventType");
    const from = c.req.query("from");
    const to = c.req.query("to");
    const now = (yield* WallClock).nowMs();
    const page = yield* Effect.promise(() =>
      relationsOf(c.env.DB, {
        userId: me.userId,
        deviceId: me.deviceId,
        roomId,
        eventId: eventIdParam(c),
        ...(relType === undefined ? {} : { relType }),
        ...(eventType === undefined ? {} : { eventType }),
        dir,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(limit === undefined ? {} : { limit }),
        recurse,
        now,
      }),
    );
    if (!page.ok) return yield* Effect.fail(page.error);
    return c.json(page.value);
  }),
);

const threads = authedRoute((c: Context<AuthedEnv>) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const include = c.req.query("include") ?? "all";
    if (include !== "all" && include !== "participated") return yield* Effect.fail(invalidParam("include must be all or participated"));
    const limit = yield* intQuery(c, "limit", 1000);
    const from = c.req.query("from");
    const now = (yield* WallClock).nowMs();
    const page = yield* Effect.promise(() =>
      roomThreads(c.env.DB, {
        userId: me.userId,
        deviceId: me.deviceId,
        roomId,
        include,
        ...(from === undefined ? {} : { from }),
        ...(limit === undefined ? {} : { limit }),
        now,
      }),
    );
    if (!page.ok) return yield* Effect.fail(page.error);
    return c.json(page.value);
  }),
);

const RELATIONS = "/rooms/:roomId/relations/:eventId";

export const relationRoutes = new Hono<AuthedEnv>()
  .get(RELATIONS, requireAuth(), relations)
  .get(`${RELATIONS}/:relType`, requireAuth(), relations)
  .get(`${RELATIONS}/:relType/:eventType`, requireAuth(), relations)
  .get("/rooms/:roomId/threads", requireAuth(), threads);
