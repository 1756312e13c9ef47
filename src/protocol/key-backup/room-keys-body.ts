// The bodies of PUT /room_keys/keys, /room_keys/keys/{roomId} and /room_keys/keys/{roomId}/{sessionId}.
import { utf8ByteLength } from "../identifiers/localpart";
import { isJsonObject, type JsonObject, type JsonValue } from "../json-value";
import { err, ok, type Result } from "../result";
import { type BackedUpKey, parseBackedUpKey } from "./backed-up-key";
import { keyBackupError, type KeyBackupError } from "./key-backup-error";

/** One key of an upload, addressed by room and session. */
export interface RoomKeyUpload {
  readonly roomId: string;
  readonly sessionId: string;
  readonly key: BackedUpKey;
}

/** Room and session IDs are identifiers: at most this many bytes (spec "Identifier grammar" sets 255 for room IDs). */
export const MAX_BACKUP_ID_BYTES = 255;

/** A room ID starts with `!`; the rest is not checked, since backups hold keys of rooms of any age and origin. */
export const isBackupRoomId = (text: string): boolean => text.startsWith("!") && utf8ByteLength(text) <= MAX_BACKUP_ID_BYTES;

export const isBackupSessionId = (text: string): boolean => text !== "" && utf8ByteLength(text) <= MAX_BACKUP_ID_BYTES;

const badJson = (message: string) => err(keyBackupError("bad_json", message));

/** `{ "sessions": { sessionId: KeyBackupData } }` for one room. */
export function parseRoomKeyBackup(value: JsonValue | undefined, roomId: string, where: string): Result<RoomKeyUpload[], KeyBackupError> {
  if (!isJsonObject(value)) return badJson(`${where} must be an object`);
  const sessions = value["sessions"];
  if (!isJsonObject(sessions)) return badJson(`${where}.sessions must be an object of session IDs`);
  const uploads: RoomKeyUpload[] = [];
  for (const [sessionId, data] of Object.entries(sessions)) {
    if (!isBackupSessionId(sessionId)) return badJson(`${where}.sessions names a session ID that cannot be one`);
    const key = parseBackedUpKey(data, `${where}.sessions[${sessionId}]`);
    if (!key.ok) return key;
    uploads.push({ roomId, sessionId, key: key.value });
  }
  return ok(uploads);
}

/** `{ "rooms": { roomId: RoomKeyBackup } }`: the body of PUT /room_keys/keys. */
export function parseRoomKeysBody(body: JsonObject): Result<RoomKeyUpload[], KeyBackupError> {
  const rooms = body["rooms"];
  if (!isJsonObject(rooms)) return badJson("rooms must be an object of room IDs");
  const uploads: RoomKeyUpload[] = [];
  for (const [roomId, backup] of Object.entries(rooms)) {
    if (!isBackupRoomId(roomId)) return badJson(`rooms names ${JSON.stringify(roomId.slice(0, 300))}, which is not a room ID`);
    const room = parseRoomKeyBackup(backup, roomId, `rooms[${roomId}]`);
    if (!room.ok) return room;
    uploads.push(...room.value);
  }
  return ok(uploads);
}
