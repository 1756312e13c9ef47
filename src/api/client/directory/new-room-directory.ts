// The directory's part in other routes: createRoom's alias and visibility, canonical alias checks, join by alias.
import { Effect } from "effect";
import type { Context } from "hono";
import { parseRoomAlias } from "../../../protocol/identifiers/room-alias";
import { parseRoomId } from "../../../protocol/identifiers/room-id";
import type { JsonObject } from "../../../protocol/json-value";
import { ServerConfig } from "../../../platform/server-config";
import { WallClock } from "../../../platform/wall-clock";
import { validateCanonicalAlias } from "../../../readmodels/room-alias-validation";
import { createAlias, resolveRoomAlias } from "../../../readmodels/room-alias-store";
import type { RoomDirectoryError } from "../../../readmodels/room-directory-error";
import { setRoomVisibility, type RoomVisibility } from "../../../readmodels/room-directory";
import type { AuthedEnv } from "../../auth-middleware";
import { aliasValue, fail } from "./directory-request";

/**
 * createRoom's `room_alias_name` as the full alias on this server, refused before the room is
 * made: 400 M_INVALID_PARAM for a bad localpart, 400 M_ROOM_IN_USE when the alias is taken.
 * Pass the result to the CreateRoom command's `canonicalAlias`, then to `publishNewRoom`.
 */
export function newRoomAlias(c: Context<AuthedEnv>, localpart: string): Effect.Effect<string, RoomDirectoryError, ServerConfig> {
  return Effect.gen(function* () {
    // Clients sometimes send the whole alias; the spec wants only the local part.
    if (localpart === "" || /[:\s]/.test(localpart)) {
      return yield* fail("invalid_alias", "room_alias_name must be the local part of an alias, without ':' or spaces (e.g. 'garden')");
    }
    const { serverName } = yield* ServerConfig;
    const { alias } = yield* aliasValue(`#${localpart}:${serverName}`);
    if ((yield* Effect.promise(() => resolveRoomAlias(c.env.DB, alias))) !== undefined) {
      return yield* fail("room_alias_in_use", `Room alias ${alias} already taken`);
    }
    return alias;
  });
}

/**
 * After createRoom succeeded: maps the reserved alias to the new room (its creator owns it) and
 * publishes the room when `visibility` is public. An alias taken between the check and here (a
 * concurrent PUT) fails with M_ROOM_IN_USE, though the room itself exists by then.
 */
export function publishNewRoom(
  c: Context<AuthedEnv>,
  roomId: string,
  options: { readonly alias?: string | undefined; readonly visibility?: RoomVisibility | undefined },
): Effect.Effect<void, RoomDirectoryError, WallClock> {
  return Effect.gen(function* () {
    const now = (yield* WallClock).nowMs();
    const creator = c.var.requester.userId;
    if (options.visibility === "public") yield* Effect.promise(() => setRoomVisibility(c.env.DB, roomId, "public", now));
    const alias = options.alias;
    if (alias !== undefined) {
      const created = yield* Effect.promise(() => createAlias(c.env.DB, { alias, roomId, creator, nowMs: now }));
      if (!created.ok) return yield* fail("room_alias_in_use", `Room alias ${alias} already taken`);
    }
  });
}

/**
 * For PUT /rooms/{roomId}/state: an m.room.canonical_alias must name aliases that exist and point
 * to the room (400 M_BAD_ALIAS; a malformed alias is 400 M_INVALID_PARAM). Other state passes.
 */
export function checkCanonicalAlias(
  c: Context<AuthedEnv>,
  roomId: string,
  type: string,
  stateKey: string,
  content: JsonObject,
): Effect.Effect<void, RoomDirectoryError> {
  if (type !== "m.room.canonical_alias" || stateKey !== "") return Effect.void;
  return Effect.promise(() => validateCanonicalAlias(c.env.DB, roomId, content)).pipe(
    Effect.flatMap((checked) => (checked.ok ? Effect.void : Effect.fail(checked.error))),
  );
}

/**
 * POST /join/{roomIdOrAlias}: the room ID to join. An alias of this server resolves through the
 * store (404 M_NOT_FOUND when unknown); another server's alias would need a federation query,
 * which this server cannot make yet, so it is 404 too.
 */
export function joinTargetRoomId(c: Context<AuthedEnv>, target: string): Effect.Effect<string, RoomDirectoryError, ServerConfig> {
  return Effect.gen(function* () {
    if (parseRoomId(target).ok) return target;
    if (!parseRoomAlias(target).ok) return yield* fail("invalid_param", "roomIdOrAlias is neither a room ID nor a room alias");
    const { alias, local } = yield* aliasValue(target);
    if (!local) return yield* fail("alias_not_found", `Room alias ${alias} is not on this server and cannot be resolved over federation`);
    const roomId = yield* Effect.promise(() => resolveRoomAlias(c.env.DB, alias));
    if (roomId === undefined) return yield* fail("alias_not_found", `Room alias ${alias} not found.`);
    return roomId;
  });
}
