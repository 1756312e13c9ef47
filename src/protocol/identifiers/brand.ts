// Branded identifier types (parsed once at the edge) and the tagged error every identifier parser returns.
import { err, type Result } from "../result";

declare const brand: unique symbol;
/** A string known to satisfy the grammar named by `Name`; only the parsers in this folder make one. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

export type ServerName = Brand<string, "ServerName">;
export type UserId = Brand<string, "UserId">;
export type RoomId = Brand<string, "RoomId">;
export type EventId = Brand<string, "EventId">;
export type RoomAlias = Brand<string, "RoomAlias">;
export type DeviceId = Brand<string, "DeviceId">;
export type RoomVersionId = Brand<string, "RoomVersionId">;

export type IdentifierKind =
  | "server_name"
  | "user_id"
  | "room_id"
  | "event_id"
  | "room_alias"
  | "device_id"
  | "room_version";

export type InvalidIdentifierReason =
  /** The whole identifier, or a part that must not be empty, is empty. */
  | "empty"
  /** Over the byte or character limit for this kind. */
  | "too_long"
  /** Does not start with the kind's sigil. */
  | "missing_sigil"
  /** No `:domain` where the grammar requires one. */
  | "missing_server"
  /** A `:domain` where the grammar (room version) forbids one. */
  | "unexpected_server"
  /** The localpart or opaque part has a forbidden character. */
  | "invalid_localpart"
  /** The domain part is not a valid server name. */
  | "invalid_server_name"
  /** The hostname has a character outside the DNS-name set. */
  | "invalid_character"
  /** A bracketed IPv6 literal or a dotted-quad IPv4 literal that is malformed. */
  | "invalid_ip_literal"
  | "invalid_port"
  /** Not the unpadded base64 encoding of a 32-byte hash in the required alphabet. */
  | "invalid_hash";

export type InvalidIdentifier = {
  readonly _tag: "InvalidIdentifier";
  readonly kind: IdentifierKind;
  readonly reason: InvalidIdentifierReason;
};

export const invalidIdentifier = (
  kind: IdentifierKind,
  reason: InvalidIdentifierReason,
): Result<never, InvalidIdentifier> => err({ _tag: "InvalidIdentifier", kind, reason });

/** The byte limit the appendix puts on user IDs, room IDs, room aliases and event IDs. */
export const MAX_IDENTIFIER_BYTES = 255;
