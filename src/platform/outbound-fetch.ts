// Outbound HTTP to other servers: one function type, so tests can route requests (msw or in-process apps).
import { readStreamLimited } from "./bounded-read";
import type { JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { parseStrictJson } from "../protocol/strict-json";

export type OutboundFetch = (request: Request) => Promise<Response>;

/** The global fetch, looked up at call time so an interceptor installed later (msw in tests) sees the call. */
export const liveOutboundFetch: OutboundFetch = (request) => fetch(request);

export type TransportError = {
  readonly _tag: "FederationTransportError";
  /**
   * invalid_server_name: not a server name; invalid_request: not a request we can sign (a body that
   * is not canonical JSON, a path outside /_matrix/); unreachable: no answer (network error,
   * timeout); bad_response: an answer we cannot use.
   */
  readonly reason: "invalid_server_name" | "invalid_request" | "unreachable" | "bad_response";
  readonly detail: string;
};

export const transportError = (reason: TransportError["reason"], detail: string): TransportError => ({
  _tag: "FederationTransportError",
  reason,
  detail,
});

/** Requests to other servers give up after this long, so a dead peer cannot hold a request open. */
export const OUTBOUND_TIMEOUT_MS = 30_000;

/** Sends with a timeout; network failures become `unreachable` rather than exceptions. */
export async function sendOutbound(
  fetcher: OutboundFetch,
  request: Request,
  timeoutMs: number = OUTBOUND_TIMEOUT_MS,
): Promise<Result<Response, TransportError>> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return ok(await fetcher(new Request(request, { signal: timeout })));
  } catch (cause) {
    return err(transportError("unreachable", `${new URL(request.url).origin}: ${String(cause)}`));
  }
}

/** The body's bytes, or undefined when it is longer than `maxBytes` (read no further than that). */
export async function readBodyLimited(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.body === null) return new Uint8Array(0);
  return await readStreamLimited(response.body, maxBytes);
}

/** A response body as strict JSON (no floats, no duplicate keys), at most `maxBytes`; the failure says why not. */
export async function readJsonResponse(response: Response, maxBytes: number): Promise<Result<JsonValue, string>> {
  const bytes = await readBodyLimited(response, maxBytes).catch(() => undefined);
  if (bytes === undefined) return err("unreadable or too large");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return err("not UTF-8");
  }
  const parsed = parseStrictJson(text);
  return parsed.ok ? ok(parsed.value) : err(`not JSON (${parsed.error.reason})`);
}
