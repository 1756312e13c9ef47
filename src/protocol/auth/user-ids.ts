// The identifier facts the auth rules rely on: user ID validity (historical form included), ID domains, byte lengths.
import { isValidUserId as isUserId } from "../identifiers/ids";

const textEncoder = new TextEncoder();

/** Length of a string in UTF-8 bytes, the unit of every size limit in the spec. */
export const utf8Length = (s: string): number => textEncoder.encode(s).length;

/**
 * A user ID as servers must accept it inside events: historical localparts (even empty) allowed,
 * a valid server name, at most 255 bytes. Rule 10.3's `users` keys and v12's `additional_creators`
 * are held to this same grammar as `sender`.
 */
export const isValidUserId = (id: string): boolean => isUserId(id);

/** The domain of a sigil-prefixed ID (`@user:domain`, `!room:domain`, `$event:domain`), if it has one. */
export function domainOf(id: string): string | undefined {
  const colon = id.indexOf(":");
  return colon === -1 ? undefined : id.slice(colon + 1);
}
