// One import point for the branded identifier types and their parsers.
export type {
  Brand,
  DeviceId,
  EventId,
  IdentifierKind,
  InvalidIdentifier,
  InvalidIdentifierReason,
  RoomAlias,
  RoomId,
  RoomVersionId,
  ServerName,
  UserId,
} from "./brand";
export { MAX_IDENTIFIER_BYTES } from "./brand";
export { parseDeviceId, isValidDeviceId } from "./device-id";
export { parseEventId, isValidEventId, isHashIdentifier, HASH_ID_LENGTH, type EventIdOptions, type HashAlphabet } from "./event-id";
export { isOpaqueIdentifier } from "./opaque-identifier";
export { parseRoomAlias, isValidRoomAlias, roomAliasLocalpart, roomAliasServerName } from "./room-alias";
export { parseRoomId, isValidRoomId, roomIdFormat, roomIdServerName, type RoomIdFormat, type RoomIdOptions } from "./room-id";
export { parseRoomVersionId, isValidRoomVersionId, isSpecRoomVersionId, MAX_ROOM_VERSION_LENGTH } from "./room-version-id";
export {
  parseServerName,
  isValidServerName,
  isIpv4Literal,
  isIpv6Literal,
  type ParsedServerName,
  type ServerNameKind,
} from "./server-name";
export {
  parseUserId,
  isValidUserId,
  isValidLocalpart,
  isHistoricalLocalpart,
  isCompliantLocalpart,
  userIdLocalpart,
  userIdServerName,
  type UserIdOptions,
} from "./user-id";
