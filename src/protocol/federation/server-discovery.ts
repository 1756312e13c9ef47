// Where to send federation requests for a server name (spec "Resolving server names"), as far as a Worker can follow it.
import { isJsonObject } from "../json-value";
import { type ParsedServerName, parseServerName } from "../identifiers/server-name";

export const DEFAULT_FEDERATION_PORT = 8448;

/** An address to connect to: host as written in a URL (IPv6 in brackets) and port. */
export interface FederationTarget {
  readonly host: string;
  readonly port: number;
  /** True when the host is a loopback name or address (the only ones plain http may be used for). */
  readonly loopback: boolean;
}

const urlHost = (parsed: ParsedServerName): string => (parsed.kind === "ipv6" ? `[${parsed.host}]` : parsed.host);

function target(parsed: ParsedServerName, port: number): FederationTarget {
  return { host: urlHost(parsed), port, loopback: isLoopbackHost(parsed) };
}

/** `localhost`, names under `.localhost` (RFC 6761), 127.0.0.0/8 and ::1. */
export function isLoopbackHost(parsed: ParsedServerName): boolean {
  const host = parsed.host.toLowerCase();
  if (parsed.kind === "ipv4") return host.startsWith("127.");
  if (parsed.kind === "ipv6") return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return host === "localhost" || host.endsWith(".localhost");
}

/**
 * Steps 1 and 2: an IP literal (port or 8448) or a hostname with an explicit port is connected to
 * directly, without /.well-known. Undefined means step 3 applies: ask /.well-known first.
 */
export function directTarget(parsed: ParsedServerName): FederationTarget | undefined {
  if (parsed.kind !== "dns") return target(parsed, parsed.port ?? DEFAULT_FEDERATION_PORT);
  return parsed.port === undefined ? undefined : target(parsed, parsed.port);
}

/** The `m.server` of a /.well-known/matrix/server body, or undefined when the body is not valid (step 3: then skip to step 4). */
export function parseWellKnownServer(body: unknown): ParsedServerName | undefined {
  if (!isJsonObject(body)) return undefined;
  const delegated = body["m.server"];
  if (typeof delegated !== "string") return undefined;
  const parsed = parseServerName(delegated);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * Step 3.1–3.5 for a delegated name: its port, else 8448. Steps 3.3 and 3.4 (SRV records) cannot
 * run in a Worker, which has no DNS API, so a delegated name without a port goes straight to 3.5.
 */
export function delegatedTarget(delegated: ParsedServerName): FederationTarget {
  return target(delegated, delegated.port ?? DEFAULT_FEDERATION_PORT);
}

/** Steps 4–6 when /.well-known gave nothing: SRV cannot be looked up from a Worker, so step 6: the hostname on 8448. */
export function fallbackTarget(parsed: ParsedServerName): FederationTarget {
  return target(parsed, DEFAULT_FEDERATION_PORT);
}

/** The base URL for a target: https, or http only for a loopback target when the operator allowed it. */
export function targetBaseUrl(t: FederationTarget, allowHttpLoopback: boolean): string {
  const scheme = allowHttpLoopback && t.loopback ? "http" : "https";
  return `${scheme}://${t.host}:${t.port}`;
}

const HOUR_MS = 60 * 60 * 1000;
/** The spec's recommendations: 24 h by default, at most 48 h, errors for up to an hour. */
export const WELL_KNOWN_DEFAULT_CACHE_MS = 24 * HOUR_MS;
export const WELL_KNOWN_MAX_CACHE_MS = 48 * HOUR_MS;
export const WELL_KNOWN_ERROR_CACHE_MS = HOUR_MS;

/** How long to keep a /.well-known answer: `Cache-Control` max-age when given (no-store/no-cache: 0), capped at 48 h. */
export function wellKnownCacheMs(cacheControl: string | null, success: boolean): number {
  if (!success) return WELL_KNOWN_ERROR_CACHE_MS;
  if (cacheControl === null) return WELL_KNOWN_DEFAULT_CACHE_MS;
  const directives = cacheControl.toLowerCase().split(",").map((d) => d.trim());
  if (directives.some((d) => d === "no-store" || d === "no-cache")) return 0;
  for (const d of directives) {
    const match = /^max-age\s*=\s*"?([0-9]{1,10})"?$/.exec(d);
    if (match !== null) return Math.min(Number(match[1]) * 1000, WELL_KNOWN_MAX_CACHE_MS);
  }
  return WELL_KNOWN_DEFAULT_CACHE_MS;
}
