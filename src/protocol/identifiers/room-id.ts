// Room ID grammar: `!opaque:server` in room versions 1–11, `!` + URL-safe base64 create-event hash in v12.
import { ok, type Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import { invalidIdentifier, type InvalidIdentifier, type RoomId, type ServerName } from "./brand";
import { checkSigilled } from "./event-id";

/** `with_server`: `!opaque:server` (v1–v11). `hash`: the v12 form, the create event's ID with `!`. */
export type RoomIdFormat = "with_server" | "hash";

export const roomIdFormat = (rules: Pick<RoomVersionRules, "roomIdFromCreateEvent">): RoomIdFormat =>
  rules.roomIdFromCreateEvent ? "hash" : "with_server";

export interface RoomIdOptions {
  /** The form the room version requires, or "any" when the room (and so its version) is not known yet. */
  readonly format?: RoomIdFormat | "any";
}

const SHAPES = {
  with_server: { withServer: true, hash: [] },
  hash: { withServer: false, hash: ["url_safe"] },
  any: { withServer: true, hash: ["url_safe"] },
} as const;

export function parseRoomId(text: string, options: RoomIdOptions = {}): Result<RoomId, InvalidIdentifier> {
  const problem = checkSigilled("room_id", "!", text, SHAPES[options.format ?? "any"]);
  return problem ? invalidIdentifier(problem.kind, problem.reason) : ok(text as RoomId);
}

export const isValidRoomId = (text: string, options?: RoomIdOptions): text is RoomId => parseRoomId(text, options).ok;

/** The server part of a `!opaque:server` room ID; undefined for v12 hash IDs, which have none. */
export function roomIdServerName(id: RoomId): ServerName | undefined {
  const colon = id.indexOf(":");
  return colon < 0 ? undefined : (id.slice(colon + 1) as ServerName);
}
