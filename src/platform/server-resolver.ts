// Turns a server name into the base URL of its federation API (spec "Resolving server names"), with /.well-known cached per isolate.
import {
  delegatedTarget,
  directTarget,
  fallbackTarget,
  type FederationTarget,
  parseWellKnownServer,
  targetBaseUrl,
  wellKnownCacheMs,
} from "../protocol/federation/server-discovery";
import { parseServerName } from "../protocol/identifiers/server-name";
import { err, ok, type Result } from "../protocol/result";
import { type OutboundFetch, readJsonResponse, sendOutbound, transportError, type TransportError } from "./outbound-fetch";

export interface ResolverDeps {
  readonly fetch: OutboundFetch;
  readonly nowMs: () => number;
  readonly allowHttpLoopback: boolean;
}

/** A /.well-known answer is a few dozen bytes; anything much bigger is not one. */
const WELL_KNOWN_MAX_BYTES = 16 * 1024;
const WELL_KNOWN_TIMEOUT_MS = 10_000;

/** What /.well-known said per server name (the target, or undefined for "no delegation"), until when. */
let wellKnownCache = new Map<string, { readonly target: FederationTarget | undefined; readonly expiresMs: number }>();

/** Tests: forget every cached /.well-known answer. */
export function forgetResolvedServers(): void {
  wellKnownCache = new Map();
}

/**
 * The base URL (`https://host:port`, or http for loopback when allowed) to reach `serverName`.
 * Steps 1–2 need no lookup; step 3 asks /.well-known (redirects followed by fetch, which stops
 * loops); SRV records (steps 3.3, 3.4, 4, 5) cannot be looked up from a Worker, which has no DNS
 * API, so those cases use port 8448 (steps 3.5 and 6). The `Host` header cannot be chosen either: a
 * Worker's fetch sends the URL's host, which is the spec's value in every case reached here.
 */
export async function resolveServer(deps: ResolverDeps, serverName: string): Promise<Result<string, TransportError>> {
  const parsed = parseServerName(serverName);
  if (!parsed.ok) return err(transportError("invalid_server_name", serverName));
  const direct = directTarget(parsed.value);
  if (direct !== undefined) return ok(targetBaseUrl(direct, deps.allowHttpLoopback));
  const now = deps.nowMs();
  let cached = wellKnownCache.get(serverName);
  if (cached === undefined || cached.expiresMs <= now) {
    const fresh = await askWellKnown(deps, parsed.value.host, parsed.value.kind === "dns" && isLoopbackName(parsed.value.host));
    cached = { target: fresh.target, expiresMs: now + fresh.cacheMs };
    if (fresh.cacheMs > 0) wellKnownCache.set(serverName, cached);
  }
  return ok(targetBaseUrl(cached.target ?? fallbackTarget(parsed.value), deps.allowHttpLoopback));
}

const isLoopbackName = (host: string): boolean => host.toLowerCase() === "localhost" || host.toLowerCase().endsWith(".localhost");

async function askWellKnown(
  deps: ResolverDeps,
  host: string,
  loopback: boolean,
): Promise<{ readonly target: FederationTarget | undefined; readonly cacheMs: number }> {
  const scheme = deps.allowHttpLoopback && loopback ? "http" : "https";
  const sent = await sendOutbound(deps.fetch, new Request(`${scheme}://${host}/.well-known/matrix/server`), WELL_KNOWN_TIMEOUT_MS);
  const failed = { target: undefined, cacheMs: wellKnownCacheMs(null, false) };
  if (!sent.ok) return failed;
  const response = sent.value;
  if (response.status !== 200) {
    await response.body?.cancel();
    return failed;
  }
  const body = await readJsonResponse(response, WELL_KNOWN_MAX_BYTES);
  const delegated = body.ok ? parseWellKnownServer(body.value) : undefined;
  if (delegated === undefined) return failed;
  return { target: delegatedTarget(delegated), cacheMs: wellKnownCacheMs(response.headers.get("cache-control"), true) };
}
