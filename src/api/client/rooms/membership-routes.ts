// POST /rooms/{roomId}/join, /join/{roomIdOrAlias}, /knock/{roomIdOrAlias}, /rooms/{roomId}/{invite,kick,ban,unban,leave}
// POST /rooms/{roomId}/forget and GET /joined_rooms.
import { Effect, Schema } from "effect";
import { type Context, Hono } from "hono";
import { typingClient } from "../../../durable/typing-client";
import { WallClock } from "../../../platform/wall-clock";
import { forgetRoom } from "../../../readmodels/forgotten-rooms";
import { joinedRoomIds } from "../../../readmodels/joined-rooms";
import { joinedAllowedRoom } from "../../../readmodels/restricted-join-rooms";
import { memberCommandFields, memberProfileContent } from "../../../readmodels/profile-store";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import type { RouteEffect } from "../../effect-route";
import { readJsonBody } from "../../json-body";
import { joinTargetRoomId } from "../directory/new-room-directory";
import { awaitProjection } from "./await-projection";
import { roomIdParam, submit, userIdValue } from "./room-request";
import { carrySettingsFromPredecessor } from "./upgraded-room-settings";

const ReasonBody = Schema.Struct({ reason: Schema.optionalKey(Schema.String) });
const TargetBody = Schema.Struct({ user_id: Schema.String, reason: Schema.optionalKey(Schema.String) });

type MembershipAction = "join" | "knock" | "invite" | "kick" | "ban" | "unban" | "leave";

/**
 * Sends the requester's membership command with the fields every membership route shares, and
 * answers only once the projection holds it: clients /sync right after joining (matrix-nio does).
 */
function submitMembership(
  c: Context<AuthedEnv>,
  roomId: string,
  action: MembershipAction,
  reason: string | undefined,
  extra: { readonly target?: string; readonly displayname?: string; readonly avatarUrl?: string; readonly restrictedVia?: string } = {},
) {
  const me = c.var.requester;
  return submit(c, {
    _tag: "Membership",
    v: 1,
    roomId,
    sender: me.userId,
    deviceId: me.deviceId,
    action,
    ...extra,
    ...(reason === undefined ? {} : { reason }),
  }).pipe(
    Effect.tap((submitted) => awaitProjection(c, submitted.roomId, submitted.lastSeq)),
    Effect.tap(() => (LEAVING.has(action) ? stopTyping(c, roomId, extra.target ?? me.userId) : Effect.void)),
  );
}

/** Actions after which the user they concern is no longer in the room. */
const LEAVING: ReadonlySet<MembershipAction> = new Set(["leave", "kick", "ban"]);

/** Someone who left stops typing there at once, not when their timeout runs out; a failure here does not undo the leave. */
const stopTyping = (c: Context<AuthedEnv>, roomId: string, userId: string) =>
  Effect.promise(() =>
    typingClient(c.env.TYPING)
      .setTyping(roomId, userId, false, 0)
      .catch((error: unknown) => console.warn("clearing typing after a leave failed", roomId, error)),
  );

/** join or knock on a room this server holds; both carry the user's profile and an optional reason. */
function join(c: Context<AuthedEnv>, roomId: string, action: "join" | "knock" = "join"): RouteEffect {
  return Effect.gen(function* () {
    const me = c.var.requester;
    const body = yield* readJsonBody(c.req.raw, ReasonBody, { emptyAsObject: true });
    // The join event carries the joiner's profile so other members see their name (spec "Events on Change of Profile Information").
    const profile = yield* Effect.promise(() => memberProfileContent(c.env.DB, me.userId));
    // Only rooms this server holds: joining over federation (make_join/send_join) does not exist yet,
    // and the room DO answers NotFound (404) for any other room.
    const fields = memberCommandFields(profile);
    yield* submitMembership(c, roomId, action, body.reason, fields).pipe(
      Effect.catchIf(
        (e): e is { readonly _tag: "Forbidden" } => action === "join" && isForbidden(e),
        (refused) => restrictedJoin(c, roomId, body.reason, fields, refused),
      ),
    );
    if (action === "join") yield* carrySettingsFromPredecessor(c, roomId);
    return c.json({ room_id: roomId });
  });
}

const isForbidden = (e: unknown): boolean => typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "Forbidden";

/**
 * A refused join, tried once more as a restricted join when the user is joined to one of the
 * room's allowed rooms: the room DO then names a local member able to invite as the authoriser
 * (client-server "Restricted rooms"). Without such a room the first refusal stands.
 */
function restrictedJoin(
  c: Context<AuthedEnv>,
  roomId: string,
  reason: string | undefined,
  fields: { readonly displayname?: string; readonly avatarUrl?: string },
  refused: unknown,
) {
  return Effect.gen(function* () {
    const via = yield* Effect.promise(() => joinedAllowedRoom(c.env.DB, roomId, c.var.requester.userId));
    if (via === undefined) return yield* Effect.fail(refused);
    return yield* submitMembership(c, roomId, "join", reason, { ...fields, restrictedVia: via });
  });
}

// POST /knock/{roomIdOrAlias}: the room's join rule must be knock or knock_restricted (auth rule 5.7).
const knock = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* joinTargetRoomId(c, c.req.param("roomIdOrAlias") ?? "");
    return yield* join(c, roomId, "knock");
  }),
);

const joinByRoomId = authedRoute((c) => Effect.flatMap(roomIdParam(c), (roomId) => join(c, roomId)));

const joinByIdOrAlias = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* joinTargetRoomId(c, c.req.param("roomIdOrAlias") ?? "");
    return yield* join(c, roomId);
  }),
);

/** invite, kick, ban and unban: a member acting on another user named by `user_id`. */
const actOnUser = (action: "invite" | "kick" | "ban" | "unban") =>
  authedRoute((c) =>
    Effect.gen(function* () {
      const roomId = yield* roomIdParam(c);
      const body = yield* readJsonBody(c.req.raw, TargetBody);
      const target = yield* userIdValue(body.user_id, "user_id");
      yield* submitMembership(c, roomId, action, body.reason, { target });
      return c.json({});
    }),
  );

const leave = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    const body = yield* readJsonBody(c.req.raw, ReasonBody, { emptyAsObject: true });
    yield* submitMembership(c, roomId, "leave", body.reason);
    return c.json({});
  }),
);

// POST /rooms/{roomId}/forget: only once out of the room; /sync then leaves it out until the user comes back.
const forget = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    yield* readJsonBody(c.req.raw, Schema.Struct({}), { emptyAsObject: true });
    const now = (yield* WallClock).nowMs();
    const refused = yield* Effect.promise(() => forgetRoom(c.env.DB, c.var.requester.userId, roomId, now));
    if (refused !== undefined) return yield* Effect.fail(refused);
    return c.json({});
  }),
);

const joinedRooms = authedRoute((c) =>
  Effect.promise(() => joinedRoomIds(c.env.DB, c.var.requester.userId)).pipe(Effect.map((ids) => c.json({ joined_rooms: ids }))),
);

export const membershipRoutes = new Hono<AuthedEnv>()
  .post("/rooms/:roomId/join", requireAuth(), joinByRoomId)
  .post("/join/:roomIdOrAlias", requireAuth(), joinByIdOrAlias)
  .post("/knock/:roomIdOrAlias", requireAuth(), knock)
  .post("/rooms/:roomId/invite", requireAuth(), actOnUser("invite"))
  .post("/rooms/:roomId/kick", requireAuth(), actOnUser("kick"))
  .post("/rooms/:roomId/ban", requireAuth(), actOnUser("ban"))
  .post("/rooms/:roomId/unban", requireAuth(), actOnUser("unban"))
  .post("/rooms/:roomId/leave", requireAuth(), leave)
  .post("/rooms/:roomId/forget", requireAuth(), forget)
  .get("/joined_rooms", requireAuth(), joinedRooms);
