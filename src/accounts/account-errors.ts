// The tagged failures of the account stores; the HTTP layer maps each `_tag` to an errcode in one table.

/** The localpart (or user ID) is already registered: M_USER_IN_USE. */
export type UserInUse = { readonly _tag: "UserInUse"; readonly reason: string };
/** The requested username cannot become a valid localpart: M_INVALID_USERNAME. */
export type InvalidUsername = { readonly _tag: "InvalidUsername"; readonly reason: string };
export type UserNotFound = { readonly _tag: "UserNotFound"; readonly reason: string };
export type DeviceNotFound = { readonly _tag: "DeviceNotFound"; readonly reason: string };

/** Never issued, logged out, or revoked: M_UNKNOWN_TOKEN with soft_logout false. */
export type UnknownToken = { readonly _tag: "UnknownToken"; readonly reason: string };
/** Past its lifetime but the session may be resumed: M_UNKNOWN_TOKEN with soft_logout true. */
export type TokenExpired = { readonly _tag: "TokenExpired"; readonly reason: string };
/**
 * A refresh token that was already exchanged (and whose successor was used) came back: someone
 * holds a copy. The whole session was revoked; M_UNKNOWN_TOKEN with soft_logout false.
 */
export type RefreshTokenReused = { readonly _tag: "RefreshTokenReused"; readonly reason: string };
/**
 * Many concurrent refreshes of one token kept overtaking each other; nothing was revoked. Map to
 * 429 M_LIMIT_EXCEEDED with a short retry_after_ms, so the client simply repeats the call.
 */
export type RefreshConflict = { readonly _tag: "RefreshConflict"; readonly reason: string };
/** The account is locked: M_USER_LOCKED with soft_logout true. */
export type UserLocked = { readonly _tag: "UserLocked"; readonly reason: string };
/** The account is deactivated: M_USER_DEACTIVATED (login) or M_UNKNOWN_TOKEN (token use). */
export type UserDeactivated = { readonly _tag: "UserDeactivated"; readonly reason: string };

/** Unknown, expired, or used up (m.login.registration_token): M_UNAUTHORIZED in the UIA 401. */
export type RegistrationTokenInvalid = { readonly _tag: "RegistrationTokenInvalid"; readonly reason: string };
/** Admin API: a token with this text exists already. */
export type RegistrationTokenExists = { readonly _tag: "RegistrationTokenExists"; readonly reason: string };
/** Admin API: bad token text, uses_allowed or expiry_time: M_INVALID_PARAM. */
export type RegistrationTokenParamInvalid = {
  readonly _tag: "RegistrationTokenParamInvalid";
  readonly reason: string;
};
export type RegistrationTokenNotFound = { readonly _tag: "RegistrationTokenNotFound"; readonly reason: string };

/** No such UIA session, or it expired or was already used. */
export type UiaSessionUnknown = { readonly _tag: "UiaSessionUnknown"; readonly reason: string };
/** The session belongs to another operation, request body or user. */
export type UiaSessionMismatch = { readonly _tag: "UiaSessionMismatch"; readonly reason: string };

export type AccountError =
  | UserInUse
  | InvalidUsername
  | UserNotFound
  | DeviceNotFound
  | UnknownToken
  | TokenExpired
  | RefreshTokenReused
  | RefreshConflict
  | UserLocked
  | UserDeactivated
  | RegistrationTokenInvalid
  | RegistrationTokenExists
  | RegistrationTokenParamInvalid
  | RegistrationTokenNotFound
  | UiaSessionUnknown
  | UiaSessionMismatch;

/** Builds a tagged error value: `accountError("UserInUse", "…")`. */
export const accountError = <T extends AccountError["_tag"]>(
  tag: T,
  reason: string,
): Extract<AccountError, { _tag: T }> => ({ _tag: tag, reason }) as Extract<AccountError, { _tag: T }>;

/** Whether `cause` is SQLite's UNIQUE / PRIMARY KEY violation on `table` (D1 reports it in the message). */
export function isUniqueViolation(cause: unknown, table: string): boolean {
  const message = cause instanceof Error ? `${cause.message} ${String(cause.cause ?? "")}` : String(cause);
  return /UNIQUE constraint failed|PRIMARY KEY/.test(message) && message.includes(`${table}.`);
}
