// PUT /rooms/{roomId}/send/{eventType}/{txnId}, PUT and GET /rooms/{roomId}/state/{eventType}/{stateKey}.
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { roomHandle, type RoomStateSnapshot } from "../../../durable/room-client";
import { historyVisibilityOf } from "../../../protocol/history-visibility";
import type { JsonObject } from "../../../protocol/json-value";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import type { RouteEffect } from "../../effect-route";
import { readJsonObject } from "../../json-body";
import { matrixError } from "../../matrix-error";
import { rateLimit } from "../../rate-limit";
import { checkCanonicalAlias } from "../directory/new-room-directory";
import { roomIdParam, submit } from "./room-request";

const sendEvent = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const type = c.req.param("eventType") ?? "";
    const txnId = c.req.param("txnId") ?? "";
    const content = yield* readJsonObject(c.req.raw);
    yield* rateLimit(c, "message", { userId: me.userId });
    // The room DO remembers (user, device, txnId): a retried PUT answers with the first event's ID.
    // It also refuses a duplicate annotation (400 M_DUPLICATE_ANNOTATION) against its own index, in
    // the same serialized turn as the append, so no read-model wait is needed after an annotation.
    const sent = yield* submit(c, { _tag: "SendEvent", v: 1, roomId, sender: me.userId, deviceId: me.deviceId, txnId, type, content });
    return c.json({ event_id: sent.eventId });
  }),
);

const putState = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const type = c.req.param("eventType") ?? "";
    const stateKey = c.req.param("stateKey") ?? "";
    const content = yield* readJsonObject(c.req.raw);
    yield* checkCanonicalAlias(c, roomId, type, stateKey, content);
    const set = yield* submit(c, { _tag: "SetState", v: 1, roomId, sender: me.userId, deviceId: me.deviceId, type, stateKey, content });
    return c.json({ event_id: set.eventId });
  }),
);

/**
 * Read from the room DO rather than the read models: a client that has just set state reads its own
 * write. A member sees the current state; a former member the state as it was when they left; any
 * other user the current state of a `world_readable` room (history visibility: its events "may be
 * shared ... with any authenticated user, regardless of whether they have ever joined the room").
 */
function visibleState(c: Context<AuthedEnv>, roomId: string): Effect.Effect<RoomStateSnapshot, unknown> {
  return Effect.gen(function* () {
    const room = roomHandle(c.env.ROOMS, roomId);
    const current = yield* Effect.promise(() => room.getCurrentState());
    if (current.entries.length === 0) return yield* Effect.fail(matrixError(404, "M_NOT_FOUND", "Unknown room"));
    const me = c.var.requester.userId;
    const own = current.entries.find((e) => e.type === "m.room.member" && e.stateKey === me);
    const ownEvent = own === undefined ? undefined : current.events.find((e) => e.eventId === own.eventId);
    const membership = (ownEvent?.pdu.content as JsonObject | undefined)?.["membership"];
    if (membership === "join") return current;
    if (ownEvent !== undefined && (membership === "leave" || membership === "ban")) {
      const atLeave = yield* Effect.promise(() => room.getStateAt(ownEvent.eventId, "after"));
      if (atLeave !== undefined) return atLeave;
    }
    const setting = current.entries.find((e) => e.type === "m.room.history_visibility" && e.stateKey === "");
    const settingEvent = setting === undefined ? undefined : current.events.find((e) => e.eventId === setting.eventId);
    const visibility = historyVisibilityOf((settingEvent?.pdu.content as JsonObject | undefined)?.["history_visibility"]);
    if (visibility === "world_readable") return current;
    return yield* Effect.fail(matrixError(403, "M_FORBIDDEN", "You aren't a member of the room and weren't previously a member of the room"));
  });
}

const getState = authedRoute((c): RouteEffect =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    const type = c.req.param("eventType") ?? "";
    const stateKey = c.req.param("stateKey") ?? "";
    const state = yield* visibleState(c, roomId);
    const entry = state.entries.find((e) => e.type === type && e.stateKey === stateKey);
    const event = entry === undefined ? undefined : state.events.find((e) => e.eventId === entry.eventId);
    if (event === undefined) return yield* Effect.fail(matrixError(404, "M_NOT_FOUND", "Event not found."));
    return c.json(event.pdu.content as JsonObject);
  }),
);

const getAllState = authedRoute((c): RouteEffect =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    const state = yield* visibleState(c, roomId);
    // The client event format (ClientEvent); a PDU's federation fields stay out.
    const events = state.events.map((e) => ({
      event_id: e.eventId,
      room_id: roomId,
      type: e.pdu.type,
      state_key: e.pdu.state_key ?? "",
      sender: e.pdu.sender,
      origin_server_ts: e.pdu.origin_server_ts,
      content: e.pdu.content,
      unsigned: {},
    }));
    return c.json(events);
  }),
);

const STATE = "/rooms/:roomId/state/:eventType";

export const roomEventRoutes = new Hono<AuthedEnv>()
  .put("/rooms/:roomId/send/:eventType/:txnId", requireAuth(), sendEvent)
  // No state key, or an empty one after a trailing slash, both mean state_key "".
  .put(STATE, requireAuth(), putState)
  .put(`${STATE}/`, requireAuth(), putState)
  .put(`${STATE}/:stateKey`, requireAuth(), putState)
  .get(STATE, requireAuth(), getState)
  .get(`${STATE}/`, requireAuth(), getState)
  .get(`${STATE}/:stateKey`, requireAuth(), getState)
  .get("/rooms/:roomId/state", requireAuth(), getAllState);
