// POST /rooms/{roomId}/report/{eventId}, /rooms/{roomId}/report and /users/{userId}/report (spec "Reporting content"): stored for the admins.
import { Effect } from "effect";
import { Hono } from "hono";
import type { JsonObject } from "../../../protocol/json-value";
import { parseUserId, userIdServerName } from "../../../protocol/identifiers/user-id";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { reportEvent, reportRoom, reportUser } from "../../../readmodels/report-store";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { readJsonObject } from "../../json-body";
import { rateLimit } from "../../rate-limit";
import { roomIdParam } from "../rooms/room-request";
import { eventIdParam } from "../events/event-query";

const badJson = (message: string) => new RequestDecodeError({ reason: "bad_json", message });

/** `reason` is optional in all three report bodies (spec report_content); when present it is a string. */
function reasonOf(body: JsonObject): Effect.Effect<string | undefined, RequestDecodeError> {
  const reason = body["reason"];
  if (reason === undefined) return Effect.succeed(undefined);
  return typeof reason === "string" ? Effect.succeed(reason) : Effect.fail(badJson("reason must be a string"));
}

/** The legacy `score`: an integer from -100 (most offensive) to 0 (inoffensive). */
function scoreOf(body: JsonObject): Effect.Effect<number | undefined, RequestDecodeError> {
  const score = body["score"];
  if (score === undefined) return Effect.succeed(undefined);
  return typeof score === "number" && Number.isInteger(score) && score >= -100 && score <= 0
    ? Effect.succeed(score)
    : Effect.fail(badJson("score must be an integer between -100 and 0"));
}

const postEventReport = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const body = yield* readJsonObject(c.req.raw, { emptyAsObject: true });
    const reason = yield* reasonOf(body);
    const score = yield* scoreOf(body);
    yield* rateLimit(c, "message", { userId: me.userId });
    const now = (yield* WallClock).nowMs();
    const stored = yield* Effect.promise(() =>
      reportEvent(c.env.DB, {
        reporter: me.userId,
        roomId,
        eventId: eventIdParam(c),
        now,
        ...(reason === undefined ? {} : { reason }),
        ...(score === undefined ? {} : { score }),
      }),
    );
    if (!stored.ok) return yield* Effect.fail(stored.error);
    return c.json({});
  }),
);

const postRoomReport = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const body = yield* readJsonObject(c.req.raw);
    const reason = yield* reasonOf(body);
    yield* rateLimit(c, "message", { userId: me.userId });
    const now = (yield* WallClock).nowMs();
    const stored = yield* Effect.promise(() => reportRoom(c.env.DB, { reporter: me.userId, roomId, reason, now }));
    if (!stored.ok) return yield* Effect.fail(stored.error);
    return c.json({});
  }),
);

const postUserReport = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const userId = c.req.param("userId") ?? "";
    const parsed = parseUserId(userId);
    if (!parsed.ok) return yield* Effect.fail(new RequestDecodeError({ reason: "invalid_param", message: "userId is not a user ID" }));
    const body = yield* readJsonObject(c.req.raw);
    const reason = yield* reasonOf(body);
    yield* rateLimit(c, "message", { userId: me.userId });
    const { serverName } = yield* ServerConfig;
    const now = (yield* WallClock).nowMs();
    const local = userIdServerName(parsed.value) === serverName;
    const stored = yield* Effect.promise(() => reportUser(c.env.DB, { reporter: me.userId, userId, local, reason, now }));
    if (!stored.ok) return yield* Effect.fail(stored.error);
    return c.json({});
  }),
);

export const reportRoutes = new Hono<AuthedEnv>()
  .post("/rooms/:roomId/report/:eventId", requireAuth(), postEventReport)
  .post("/rooms/:roomId/report", requireAuth(), postRoomReport)
  .post("/users/:userId/report", requireAuth(), postUserReport);
