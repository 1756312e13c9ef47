// The refusals of the room alias and room directory operations, mapped to errcodes in the one error table.

export type RoomDirectoryErrorReason =
  /** PUT of an alias that already names a room (spec: 409). */
  | "alias_taken"
  /** createRoom's room_alias_name is already taken (spec: M_ROOM_IN_USE). */
  | "room_alias_in_use"
  /** No such alias on this server. */
  | "alias_not_found"
  /** Not a room alias, or one on a server this server cannot speak for. */
  | "invalid_alias"
  /** m.room.canonical_alias names an alias that does not exist or points to another room. */
  | "bad_alias"
  /** Not joined, or too little power, or not the alias's creator. */
  | "forbidden"
  /** The room is not known to this server. */
  | "room_not_found"
  /** A malformed room ID, pagination token or other parameter. */
  | "invalid_param";

export interface RoomDirectoryError {
  readonly _tag: "RoomDirectoryError";
  readonly reason: RoomDirectoryErrorReason;
  readonly message: string;
}

export const roomDirectoryError = (reason: RoomDirectoryErrorReason, message: string): RoomDirectoryError => ({
  _tag: "RoomDirectoryError",
  reason,
  message,
});
