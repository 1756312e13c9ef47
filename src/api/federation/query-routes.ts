// GET /_matrix/federation/v1/query/profile and /query/directory: what a remote server asks about our users and aliases.
import { Effect } from "effect";
import { Hono } from "hono";
import { federationQueryError } from "../../protocol/federation/query-error";
import { parseRoomAlias, roomAliasServerName } from "../../protocol/identifiers/room-alias";
import { parseUserId, userIdServerName } from "../../protocol/identifiers/user-id";
import type { JsonObject } from "../../protocol/json-value";
import { ServerConfig } from "../../platform/server-config";
import { profileJson, readProfile } from "../../readmodels/profile-store";
import { roomAliasRecord } from "../../readmodels/room-alias-store";
import { joinedServers } from "../../readmodels/room-directory";
import type { AppEnv } from "../app-env";
import { federationRoute, type FederationEnv, requireServerAuth } from "./server-auth";

const fail = (reason: Parameters<typeof federationQueryError>[0], message: string) => Effect.fail(federationQueryError(reason, message));

/** A required query parameter (the first one when repeated). */
const queryParam = (value: string | undefined, name: string) =>
  value === undefined ? fail("missing_param", `Missing query parameter ${name}`) : Effect.succeed(value);

/** A user ID of this server, or the refusal a remote server gets for anything else. */
export function localUserId(text: string, serverName: string): Effect.Effect<string, ReturnType<typeof federationQueryError>> {
  const parsed = parseUserId(text);
  if (!parsed.ok) return fail("invalid_param", `${text.slice(0, 100)} is not a user ID`);
  if (userIdServerName(parsed.value) !== serverName) return fail("invalid_param", `${text.slice(0, 100)} is not a user of ${serverName}`);
  return Effect.succeed(parsed.value);
}

const profileQuery = federationRoute((c) =>
  Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const userId = yield* localUserId(yield* queryParam(c.req.query("user_id"), "user_id"), serverName);
    const field = c.req.query("field");
    const profile = yield* Effect.promise(() => readProfile(c.env.DB, userId));
    if (profile === undefined) return yield* fail("not_found", `No profile for ${userId}`);
    const full = profileJson(profile);
    if (field === undefined) return c.json(full);
    // Only the asked field, left out when it is not set.
    const value = Object.hasOwn(full, field) ? full[field] : undefined;
    const answer: JsonObject = value === undefined ? {} : { [field]: value };
    return c.json(answer);
  }),
);

const directoryQuery = federationRoute((c) =>
  Effect.gen(function* () {
    const { serverName } = yield* ServerConfig;
    const text = yield* queryParam(c.req.query("room_alias"), "room_alias");
    const parsed = parseRoomAlias(text);
    if (!parsed.ok) return yield* fail("invalid_param", `${text.slice(0, 100)} is not a room alias`);
    if (roomAliasServerName(parsed.value) !== serverName) return yield* fail("invalid_param", `${text.slice(0, 100)} is not an alias of ${serverName}`);
    const record = yield* Effect.promise(() => roomAliasRecord(c.env.DB, parsed.value));
    if (record === undefined) return yield* fail("not_found", `Room alias ${parsed.value} not found`);
    const others = (yield* Effect.promise(() => joinedServers(c.env.DB, record.roomId))).filter((s) => s !== serverName);
    // This server first: it holds the alias and the room.
    return c.json({ room_id: record.roomId, servers: [serverName, ...others] });
  }),
);

export const federationQueryRoutes = new Hono<FederationEnv>()
  .get("/_matrix/federation/v1/query/profile", requireServerAuth(), profileQuery)
  .get("/_matrix/federation/v1/query/directory", requireServerAuth(), directoryQuery) as unknown as Hono<AppEnv>;
