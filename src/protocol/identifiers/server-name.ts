// Server name grammar (appendix "Server Name"): DNS name, IPv4 literal or bracketed IPv6 literal, optional port.
import { ok, type Result } from "../result";
import { invalidIdentifier, type InvalidIdentifier, type ServerName } from "./brand";

export type ServerNameKind = "dns" | "ipv4" | "ipv6";

export interface ParsedServerName {
  readonly serverName: ServerName;
  /** The hostname as written; for IPv6 literals, without the surrounding brackets. */
  readonly host: string;
  readonly port?: number;
  readonly kind: ServerNameKind;
}

const MAX_DNS_NAME_LENGTH = 255;
const DNS_NAME = /^[A-Za-z0-9.-]+$/;
const DOTTED_QUAD = /^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/;
const PORT = /^[0-9]{1,5}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** A dotted-quad IPv4 literal with each part in 0–255. */
export function isIpv4Literal(text: string): boolean {
  return DOTTED_QUAD.test(text) && text.split(".").every((part) => Number(part) <= 255);
}

/**
 * An IPv6 address in the text forms of RFC 3513 section 2.2: eight 16-bit hex groups, at most one
 * `::` standing for one or more zero groups, and optionally the low 32 bits as a dotted quad.
 */
export function isIpv6Literal(text: string): boolean {
  if (text.length < 2 || text.length > 45) return false;
  const gap = text.indexOf("::");
  if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) return false;
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? "" : text.slice(gap + 2);
  const headGroups = countGroups(head, gap < 0);
  const tailGroups = countGroups(tail, true);
  if (headGroups < 0 || tailGroups < 0) return false;
  return gap < 0 ? headGroups === 8 : headGroups + tailGroups <= 7;
}

/** Counts the 16-bit groups in a `:`-separated run, or -1; a trailing IPv4 quad counts as two. */
function countGroups(run: string, mayEndWithIpv4: boolean): number {
  if (run === "") return 0;
  const groups = run.split(":");
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (HEX_GROUP.test(group)) count += 1;
    else if (mayEndWithIpv4 && i === groups.length - 1 && isIpv4Literal(group)) count += 2;
    else return -1;
  }
  return count;
}

function parsePort(text: string): number | undefined {
  if (!PORT.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * Parses a server name. Case is kept as written, since server names compare case-sensitively.
 * DNS names are held to the grammar (1–255 of `[A-Za-z0-9.-]`) rather than to the label
 * conventions the spec only recommends, so names already in use on the federation still parse.
 */
export function parseServerName(text: string): Result<ParsedServerName, InvalidIdentifier> {
  const fail = (reason: Parameters<typeof invalidIdentifier>[1]) => invalidIdentifier("server_name", reason);
  if (text === "") return fail("empty");
  let host: string;
  let rest: string;
  let kind: ServerNameKind;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return fail("invalid_ip_literal");
    host = text.slice(1, close);
    if (!isIpv6Literal(host)) return fail("invalid_ip_literal");
    rest = text.slice(close + 1);
    kind = "ipv6";
  } else {
    const colon = text.indexOf(":");
    host = colon < 0 ? text : text.slice(0, colon);
    rest = colon < 0 ? "" : text.slice(colon);
    if (host === "") return fail("empty");
    if (DOTTED_QUAD.test(host)) {
      // Shaped like an IPv4 literal: it must be one, not a DNS name that happens to be all digits.
      if (!isIpv4Literal(host)) return fail("invalid_ip_literal");
      kind = "ipv4";
    } else {
      if (host.length > MAX_DNS_NAME_LENGTH) return fail("too_long");
      if (!DNS_NAME.test(host)) return fail("invalid_character");
      kind = "dns";
    }
  }
  if (rest === "") return ok({ serverName: text as ServerName, host, kind });
  if (!rest.startsWith(":")) return fail("invalid_character");
  const port = parsePort(rest.slice(1));
  if (port === undefined) return fail("invalid_port");
  return ok({ serverName: text as ServerName, host, port, kind });
}

export const isValidServerName = (text: string): text is ServerName => parseServerName(text).ok;
