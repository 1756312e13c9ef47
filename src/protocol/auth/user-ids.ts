// The identifier grammar the auth rules rely on: user IDs (historical form included) and ID domains.

const textEncoder = new TextEncoder();

/** Length of a string in UTF-8 bytes, the unit of every size limit in the spec. */
export const utf8Length = (s: string): number => textEncoder.encode(s).length;

const PORT = /^[0-9]{1,5}$/;
const IPV4 = /^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]{2,45}\]$/;
const DNS_NAME = /^[0-9A-Za-z.-]{1,255}$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The server name grammar of the appendices: hostname (IPv4, [IPv6] or DNS name) and optional port. */
export function isValidServerName(name: string): boolean {
  let host = name;
  // A port follows the last colon unless that colon sits inside an IPv6 literal.
  const colon = name.lastIndexOf(":");
  if (colon !== -1 && colon > name.lastIndexOf("]")) {
    if (!PORT.test(name.slice(colon + 1))) return false;
    host = name.slice(0, colon);
  }
  return IPV4.test(host) || IPV6.test(host) || DNS_NAME.test(host);
}

/**
 * A user ID as servers must accept it over federation: `@`, a localpart of any non-surrogate code
 * points except `:` and NUL (historical IDs, even empty, stay valid), `:`, a server name, at most 255 bytes.
 */
export function isValidUserId(id: string): boolean {
  if (!id.startsWith("@") || utf8Length(id) > 255) return false;
  const colon = id.indexOf(":");
  if (colon === -1) return false;
  const localpart = id.slice(1, colon);
  if (localpart.includes("\u0000") || LONE_SURROGATE.test(localpart)) return false;
  return isValidServerName(id.slice(colon + 1));
}

/** The domain of a sigil-prefixed ID (`@user:domain`, `!room:domain`, `$event:domain`), if it has one. */
export function domainOf(id: string): string | undefined {
  const colon = id.indexOf(":");
  return colon === -1 ? undefined : id.slice(colon + 1);
}
