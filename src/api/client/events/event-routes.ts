// GET /rooms/{roomId}/event/{eventId}, GET /rooms/{roomId}/context/{eventId}, PUT /rooms/{roomId}/redact/{eventId}/{txnId}.
import { Effect } from "effect";
import { Hono } from "hono";
import { roomHandle } from "../../../durable/room-client";
import { WallClock } from "../../../platform/wall-clock";
import { eventContext, roomEvent } from "../../../readmodels/event-context";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { readJsonObject } from "../../json-body";
import { rateLimit } from "../../rate-limit";
import { awaitProjection } from "../rooms/await-projection";
import { intQuery, roomIdParam, submit } from "../rooms/room-request";
import { eventIdParam, roomEventFilterQuery } from "./event-query";

const DEFAULT_CONTEXT_LIMIT = 10;
const MAX_CONTEXT_LIMIT = 100;

const getEvent = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const now = (yield* WallClock).nowMs();
    const eventId = eventIdParam(c);
    const read = () => Effect.promise(() => roomEvent(c.env.DB, { userId: me.userId, deviceId: me.deviceId, roomId, eventId, now }));
    let event = yield* read();
    if (!event.ok) {
      // Read-your-writes: an event the room log holds but the read models do not yet (a client
      // fetching what it just sent) is read again once the projection has reached it.
      const logged = yield* Effect.promise(() => roomHandle(c.env.ROOMS, roomId).getEvent(eventId).catch(() => undefined));
      if (logged !== undefined) {
        yield* awaitProjection(c, roomId, logged.seq);
        event = yield* read();
      }
    }
    if (!event.ok) return yield* Effect.fail(event.error);
    return c.json(event.value);
  }),
);

const getContext = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const limit = (yield* intQuery(c, "limit", MAX_CONTEXT_LIMIT)) ?? DEFAULT_CONTEXT_LIMIT;
    const filter = yield* roomEventFilterQuery(c);
    const now = (yield* WallClock).nowMs();
    const context = yield* Effect.promise(() =>
      eventContext(c.env.DB, {
        userId: me.userId,
        deviceId: me.deviceId,
        roomId,
        eventId: eventIdParam(c),
        now,
        limit,
        ...(filter === undefined ? {} : { filter }),
      }),
    );
    if (!context.ok) return yield* Effect.fail(context.error);
    return c.json(context.value);
  }),
);

const redact = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const txnId = c.req.param("txnId") ?? "";
    const body = yield* readJsonObject(c.req.raw, { emptyAsObject: true });
    const reason = body["reason"];
    if (reason !== undefined && typeof reason !== "string") {
      return yield* Effect.fail(new RequestDecodeError({ reason: "bad_json", message: "reason must be a string" }));
    }
    yield* rateLimit(c, "message", { userId: me.userId });
    // The room DO remembers (user, device, txnId) for redactions as for sends: a retry gets the first event's ID.
    const sent = yield* submit(c, {
      _tag: "Redact",
      v: 1,
      roomId,
      sender: me.userId,
      deviceId: me.deviceId,
      txnId,
      redacts: eventIdParam(c),
      ...(reason === undefined ? {} : { reason }),
    });
    // Read-your-writes: once the 200 is out, every read of the read models (/event, /context, /messages,
    // aggregations) shows the redacted form.
    yield* awaitProjection(c, sent.roomId, sent.lastSeq);
    return c.json({ event_id: sent.eventId });
  }),
);

export const eventRoutes = new Hono<AuthedEnv>()
  .get("/rooms/:roomId/event/:eventId", requireAuth(), getEvent)
  .get("/rooms/:roomId/context/:eventId", requireAuth(), getContext)
  .put("/rooms/:roomId/redact/:eventId/:txnId", requireAuth(), redact);

