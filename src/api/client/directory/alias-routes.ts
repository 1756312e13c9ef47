// PUT/GET/DELETE /directory/room/{roomAlias} and GET /rooms/{roomId}/aliases over this server's alias records.
import { Effect, Schema } from "effect";
import { Hono } from "hono";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { aliasesOfRoom, createAlias, deleteAlias, roomAliasRecord } from "../../../readmodels/room-alias-store";
import { joinedServers } from "../../../readmodels/room-directory";
import type { AppEnv } from "../../app-env";
import { authedRoute, type AuthedEnv, requireAuth } from "../../auth-middleware";
import { effectRoute } from "../../effect-route";
import { readJsonBody } from "../../json-body";
import { aliasParam, fail, localAliasParam, roomIdValue } from "./directory-request";
import { roomStanding } from "./room-standing";

const SetAliasBody = Schema.Struct({ room_id: Schema.String });

const putAlias = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const alias = yield* localAliasParam(c);
    const body = yield* readJsonBody(c.req.raw, SetAliasBody);
    const roomId = yield* roomIdValue(body.room_id, "room_id");
    const standing = yield* roomStanding(c, roomId, me.userId);
    if (!standing.known) return yield* fail("room_not_found", "Room not found");
    // Synapse's default too: only members advertise a room under this server's name.
    if (!standing.joined && !me.isAdmin) return yield* fail("forbidden", "You must be in the room to create an alias for it");
    const now = (yield* WallClock).nowMs();
    const created = yield* Effect.promise(() => createAlias(c.env.DB, { alias, roomId, creator: me.userId, nowMs: now }));
    if (!created.ok) return yield* Effect.fail(created.error);
    return c.json({});
  }),
);

// No access token: the spec lets anyone resolve an alias.
const getAlias = effectRoute((c) =>
  Effect.gen(function* () {
    const { alias, local } = yield* aliasParam(c);
    // Another server's alias needs a federation directory query, which this server cannot make yet.
    if (!local) return yield* fail("alias_not_found", `Room alias ${alias} is not on this server and cannot be resolved over federation`);
    const record = yield* Effect.promise(() => roomAliasRecord(c.env.DB, alias));
    if (record === undefined) return yield* fail("alias_not_found", `Room alias ${alias} not found.`);
    const { serverName } = yield* ServerConfig;
    const others = (yield* Effect.promise(() => joinedServers(c.env.DB, record.roomId))).filter((s) => s !== serverName);
    // This server first: it holds the alias and the room, so it is the one to join through.
    return c.json({ room_id: record.roomId, servers: [serverName, ...others] });
  }),
);

const removeAlias = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const alias = yield* localAliasParam(c);
    const record = yield* Effect.promise(() => roomAliasRecord(c.env.DB, alias));
    if (record === undefined) return yield* fail("alias_not_found", `Room alias ${alias} not found.`);
    if (record.creator !== me.userId && !me.isAdmin) {
      const standing = yield* roomStanding(c, record.roomId, me.userId);
      if (!standing.mayEditDirectory) return yield* fail("forbidden", "You don't have permission to delete the alias.");
    }
    // The room's m.room.canonical_alias may still name it: the spec allows that, and clients are
    // told to check an alias before trusting it.
    const deleted = yield* Effect.promise(() => deleteAlias(c.env.DB, alias));
    if (!deleted) return yield* fail("alias_not_found", `Room alias ${alias} not found.`);
    return c.json({});
  }),
);

const listAliases = authedRoute((c) =>
  Effect.gen(function* () {
    const me = c.var.requester;
    const roomId = yield* roomIdValue(c.req.param("roomId") ?? "", "roomId");
    const standing = yield* roomStanding(c, roomId, me.userId);
    if (!me.isAdmin && !standing.joined && !standing.worldReadable) {
      return yield* fail("forbidden", "You are not a member of the room.");
    }
    const aliases = yield* Effect.promise(() => aliasesOfRoom(c.env.DB, roomId));
    return c.json({ aliases });
  }),
);

export const aliasRoutes = new Hono<AuthedEnv>()
  .put("/directory/room/:roomAlias", requireAuth(), putAlias)
  .delete("/directory/room/:roomAlias", requireAuth(), removeAlias)
  .get("/rooms/:roomId/aliases", requireAuth(), listAliases);

export const aliasLookupRoutes = new Hono<AppEnv>().get("/directory/room/:roomAlias", getAlias);
