// Why a command was refused: tagged values the api maps to Matrix error codes (M_FORBIDDEN, M_NOT_FOUND, ...).

export type Rejection =
  /** The auth rules (or a client-server permission rule) forbid it; `rule` names the rule broken. */
  | { readonly _tag: "Forbidden"; readonly rule: string; readonly reason: string }
  /** The room is not held here, or the event a command refers to is unknown. */
  | { readonly _tag: "NotFound"; readonly reason: string }
  | { readonly _tag: "BadRequest"; readonly reason: string }
  /** The event would exceed the 64 KiB PDU limit (M_TOO_LARGE). */
  | { readonly _tag: "TooLarge"; readonly reason: string }
  | { readonly _tag: "UnsupportedRoomVersion"; readonly reason: string }
  /** createRoom: the requested initial state does not pass the auth rules (M_INVALID_ROOM_STATE). */
  | { readonly _tag: "InvalidRoomState"; readonly rule?: string; readonly reason: string }
  /** createRoom: this room ID is already held (a v12 create event collided; retry with another timestamp). */
  | { readonly _tag: "RoomExists"; readonly reason: string }
  /** IngestPdu: prev or auth events this server does not hold; fetch them and submit again. */
  | { readonly _tag: "MissingEvents"; readonly eventIds: readonly string[]; readonly reason: string }
  /** SendEvent: the sender already has an unredacted annotation of this type and key on that event (M_DUPLICATE_ANNOTATION). */
  | { readonly _tag: "DuplicateAnnotation"; readonly reason: string }
  /** A dependency of the room DO (e.g. the signing key store) failed; safe to retry. */
  | { readonly _tag: "Unavailable"; readonly reason: string };

export const forbidden = (rule: string, reason: string): Rejection => ({ _tag: "Forbidden", rule, reason });
export const notFound = (reason: string): Rejection => ({ _tag: "NotFound", reason });
export const badRequest = (reason: string): Rejection => ({ _tag: "BadRequest", reason });
