// Room alias grammar (appendix "Room Aliases"): `#localpart:server`, at most 255 bytes.
import { ok, type Result } from "../result";
import { invalidIdentifier, MAX_IDENTIFIER_BYTES, type InvalidIdentifier, type RoomAlias, type ServerName } from "./brand";
import { isLenientLocalpart, splitAtServer, utf8ByteLength } from "./localpart";
import { parseServerName } from "./server-name";

export function parseRoomAlias(text: string): Result<RoomAlias, InvalidIdentifier> {
  if (!text.startsWith("#")) return invalidIdentifier("room_alias", text === "" ? "empty" : "missing_sigil");
  if (utf8ByteLength(text) > MAX_IDENTIFIER_BYTES) return invalidIdentifier("room_alias", "too_long");
  const parts = splitAtServer(text);
  if (!parts) return invalidIdentifier("room_alias", "missing_server");
  if (!isLenientLocalpart(parts.localpart)) return invalidIdentifier("room_alias", "invalid_localpart");
  if (!parseServerName(parts.server).ok) return invalidIdentifier("room_alias", "invalid_server_name");
  return ok(text as RoomAlias);
}

export const isValidRoomAlias = (text: string): text is RoomAlias => parseRoomAlias(text).ok;

/** The localpart of an already-parsed alias. */
export const roomAliasLocalpart = (alias: RoomAlias): string => alias.slice(1, alias.indexOf(":"));

/** The server that owns an already-parsed alias (the one to ask when resolving it). */
export const roomAliasServerName = (alias: RoomAlias): ServerName => alias.slice(alias.indexOf(":") + 1) as ServerName;
