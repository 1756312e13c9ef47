// Room version identifier grammar (rooms/_index.md): 1–32 of `a-z 0-9 . -`.
import { ok, type Result } from "../result";
import { invalidIdentifier, type InvalidIdentifier, type RoomVersionId } from "./brand";

export const MAX_ROOM_VERSION_LENGTH = 32;
const ROOM_VERSION = /^[a-z0-9.-]+$/;

/** Grammar only: whether this server implements the version is room-versions.ts's question. */
export function parseRoomVersionId(text: string): Result<RoomVersionId, InvalidIdentifier> {
  if (text === "") return invalidIdentifier("room_version", "empty");
  // The limit is in code points; every allowed character is ASCII, so length checks it once the set does.
  if (!ROOM_VERSION.test(text)) return invalidIdentifier("room_version", "invalid_character");
  if (text.length > MAX_ROOM_VERSION_LENGTH) return invalidIdentifier("room_version", "too_long");
  return ok(text as RoomVersionId);
}

export const isValidRoomVersionId = (text: string): text is RoomVersionId => parseRoomVersionId(text).ok;

/** Versions of only digits and dots are reserved for the Matrix specification itself. */
export const isSpecRoomVersionId = (id: RoomVersionId): boolean => /^[0-9.]+$/.test(id);
