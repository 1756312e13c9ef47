// Shared pieces of the directory routes: the alias and room ID path parameters, and failing with a directory error.
import { Effect } from "effect";
import type { Context } from "hono";
import { parseRoomAlias, roomAliasServerName } from "../../../protocol/identifiers/room-alias";
import { parseRoomId } from "../../../protocol/identifiers/room-id";
import { ServerConfig } from "../../../platform/server-config";
import { roomDirectoryError, type RoomDirectoryError, type RoomDirectoryErrorReason } from "../../../readmodels/room-directory-error";
import type { AppEnv } from "../../app-env";

export const fail = (reason: RoomDirectoryErrorReason, message: string): Effect.Effect<never, RoomDirectoryError> =>
  Effect.fail(roomDirectoryError(reason, message));

export interface AliasParam {
  readonly alias: string;
  /** The alias names this server, so it lives in this server's store. */
  readonly local: boolean;
}

/** A room alias in the spec's grammar; whether it is ours decides who can answer for it. */
export function aliasValue(text: string): Effect.Effect<AliasParam, RoomDirectoryError, ServerConfig> {
  return Effect.gen(function* () {
    const parsed = parseRoomAlias(text);
    if (!parsed.ok) return yield* fail("invalid_alias", `${JSON.stringify(text.slice(0, 100))} is not a valid room alias`);
    const { serverName } = yield* ServerConfig;
    return { alias: parsed.value, local: roomAliasServerName(parsed.value) === serverName };
  });
}

/** The `{roomAlias}` path parameter (Hono has already percent-decoded it). */
export const aliasParam = <E extends AppEnv>(c: Context<E>): Effect.Effect<AliasParam, RoomDirectoryError, ServerConfig> =>
  aliasValue(c.req.param("roomAlias") ?? "");

/** An alias this server may create or delete: other servers' aliases are theirs to manage. */
export function localAliasParam<E extends AppEnv>(c: Context<E>): Effect.Effect<string, RoomDirectoryError, ServerConfig> {
  return Effect.flatMap(aliasParam(c), ({ alias, local }) =>
    local ? Effect.succeed(alias) : fail("invalid_alias", `Room alias ${alias} is not on this server; only local aliases can be changed here`),
  );
}

/** A room ID from a path or body, in the room ID grammar. */
export function roomIdValue(text: string, what: string): Effect.Effect<string, RoomDirectoryError> {
  return parseRoomId(text).ok ? Effect.succeed(text) : fail("invalid_param", `${what} is not a room ID`);
}
