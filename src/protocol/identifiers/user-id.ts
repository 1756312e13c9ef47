// User ID grammar (appendix "User Identifiers"): `@localpart:server`, strict for new IDs, lenient for historical ones.
import { ok, type Result } from "../result";
import { invalidIdentifier, MAX_IDENTIFIER_BYTES, type InvalidIdentifier, type ServerName, type UserId } from "./brand";
import { isLenientLocalpart, splitAtServer, utf8ByteLength } from "./localpart";
import { parseServerName } from "./server-name";

const LOCALPART = /^[a-z0-9._=\-/+]+$/;

/** The localpart grammar for new user IDs (spec v1.8+): one or more of `a-z 0-9 . _ = - / +`. */
export const isValidLocalpart = (localpart: string): boolean => LOCALPART.test(localpart);

/**
 * The historical grammar servers and clients MUST still accept: any non-surrogate code points but
 * `:` and NUL, the empty string included. Every valid localpart is also historical.
 */
export const isHistoricalLocalpart = (localpart: string): boolean => isLenientLocalpart(localpart);

/**
 * Compliant in the appendix's sense: non-empty and within U+0021–U+007E. Such IDs may be shown to
 * clients outside events; non-compliant ones should only travel inside events.
 */
export function isCompliantLocalpart(localpart: string): boolean {
  if (localpart === "") return false;
  for (let i = 0; i < localpart.length; i++) {
    const c = localpart.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x3a) return false;
  }
  return true;
}

export interface UserIdOptions {
  /** Accept historical localparts (the default, as federation requires); false demands the strict grammar. */
  readonly allowHistorical?: boolean;
}

export function parseUserId(text: string, options: UserIdOptions = {}): Result<UserId, InvalidIdentifier> {
  if (!text.startsWith("@")) return invalidIdentifier("user_id", text === "" ? "empty" : "missing_sigil");
  const parts = splitAtServer(text);
  if (!parts) return invalidIdentifier("user_id", "missing_server");
  const localpartOk = options.allowHistorical === false ? isValidLocalpart(parts.localpart) : isHistoricalLocalpart(parts.localpart);
  if (!localpartOk) return invalidIdentifier("user_id", "invalid_localpart");
  if (!parseServerName(parts.server).ok) return invalidIdentifier("user_id", "invalid_server_name");
  if (utf8ByteLength(text) > MAX_IDENTIFIER_BYTES) return invalidIdentifier("user_id", "too_long");
  return ok(text as UserId);
}

export const isValidUserId = (text: string, options?: UserIdOptions): text is UserId => parseUserId(text, options).ok;

/** The localpart of an already-parsed user ID. */
export const userIdLocalpart = (id: UserId): string => id.slice(1, id.indexOf(":"));

/** The server name of an already-parsed user ID. */
export const userIdServerName = (id: UserId): ServerName => id.slice(id.indexOf(":") + 1) as ServerName;
