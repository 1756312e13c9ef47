// GET /rooms/{roomId}/joined_members and /rooms/{roomId}/members, read from the D1 read models, under every client prefix.
import { Effect } from "effect";
import { type Context, Hono } from "hono";
import { WallClock } from "../../../platform/wall-clock";
import { isMembershipValue, joinedMembers, type MembershipValue, roomMembers } from "../../../readmodels/room-members";
import type { AppEnv } from "../../app-env";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { RequestDecodeError } from "../../decode-request";
import { CLIENT_PREFIXES } from "../accounts-api";
import { roomIdParam } from "../rooms/room-request";

function membershipQuery(c: Context<AuthedEnv>, name: string): Effect.Effect<MembershipValue | undefined, RequestDecodeError> {
  const text = c.req.query(name);
  if (text === undefined || text === "") return Effect.succeed(undefined);
  return isMembershipValue(text)
    ? Effect.succeed(text)
    : Effect.fail(new RequestDecodeError({ reason: "invalid_param", message: `${name} must be one of join, invite, knock, leave, ban` }));
}

const getJoinedMembers = authedRoute((c) =>
  Effect.gen(function* () {
    const roomId = yield* roomIdParam(c);
    const joined = yield* Effect.promise(() => joinedMembers(c.env.DB, c.var.requester.userId, roomId));
    if (!joined.ok) return yield* Effect.fail(joined.error);
    return c.json({ joined: joined.value });
  }),
);

const getMembers = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdParam(c);
    const membership = yield* membershipQuery(c, "membership");
    const notMembership = yield* membershipQuery(c, "not_membership");
    const at = c.req.query("at");
    const now = (yield* WallClock).nowMs();
    const chunk = yield* Effect.promise(() =>
      roomMembers(c.env.DB, {
        userId: me.userId,
        deviceId: me.deviceId,
        roomId,
        now,
        ...(at === undefined ? {} : { at }),
        ...(membership === undefined ? {} : { membership }),
        ...(notMembership === undefined ? {} : { notMembership }),
      }),
    );
    if (!chunk.ok) return yield* Effect.fail(chunk.error);
    return c.json({ chunk: chunk.value });
  }),
);

const memberRoutes = new Hono<AuthedEnv>()
  .get("/rooms/:roomId/joined_members", requireAuth(), getJoinedMembers)
  .get("/rooms/:roomId/members", requireAuth(), getMembers);

export function mountMemberRoutes(app: Hono<AppEnv>): void {
  for (const prefix of CLIENT_PREFIXES) app.route(prefix, memberRoutes);
}
