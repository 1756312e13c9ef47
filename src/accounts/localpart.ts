// Turns a /register username or a login identifier into a localpart of this server.
import type { UserId } from "../protocol/identifiers/brand";
import { isValidLocalpart, parseUserId, userIdLocalpart, userIdServerName } from "../protocol/identifiers/user-id";
import { err, ok, type Result } from "../protocol/result";
import { accountError, type InvalidUsername } from "./account-errors";
import { randomString } from "./tokens";

/**
 * The appendix asks servers to downcase usernames when creating user IDs, so `@Alice` and
 * `@alice` can never be two accounts; other characters outside the grammar are rejected with
 * M_INVALID_USERNAME rather than silently mapped, so the user sees what they get.
 */
export function registrationLocalpart(username: string, serverName: string): Result<string, InvalidUsername> {
  const localpart = username.toLowerCase();
  // toLowerCase maps some non-ASCII letters to ASCII (e.g. U+212A KELVIN SIGN to "k"): only
  // accept input that was ASCII already, so one account cannot be registered under two spellings.
  if (/[^\x20-\x7e]/.test(username)) return err(accountError("InvalidUsername", "username must be ASCII"));
  if (localpart === "") return err(accountError("InvalidUsername", "username is empty"));
  if (!isValidLocalpart(localpart)) {
    return err(accountError("InvalidUsername", "username may contain only a-z, 0-9, and . _ = - / +"));
  }
  const userId = parseUserId(`@${localpart}:${serverName}`, { allowHistorical: false });
  if (!userId.ok) return err(accountError("InvalidUsername", "user ID would exceed 255 bytes"));
  return ok(localpart);
}

/** The user ID for a localpart of this server (both already validated). */
export const userIdFor = (localpart: string, serverName: string): UserId => `@${localpart}:${serverName}` as UserId;

/**
 * A localpart for a registration without a username (and for guests): unguessable, so user IDs
 * do not reveal how many accounts exist, and always inside the grammar.
 */
export const generateLocalpart = (): string => randomString("abcdefghijklmnopqrstuvwxyz0123456789", 12);

/**
 * The localpart named by an `m.id.user` login identifier: a full user ID of this server or a bare
 * localpart. Lowercased, as registration lowercases, so "Alice" logs in as @alice. Undefined when
 * the identifier names another server or is not a user ID at all (the caller answers M_FORBIDDEN,
 * as for a wrong password, so nothing is learnt).
 */
export function loginLocalpart(user: string, serverName: string): string | undefined {
  if (user.startsWith("@")) {
    const parsed = parseUserId(user);
    if (!parsed.ok || userIdServerName(parsed.value) !== serverName) return undefined;
    return userIdLocalpart(parsed.value).toLowerCase();
  }
  return user === "" || user.includes(":") ? undefined : user.toLowerCase();
}
