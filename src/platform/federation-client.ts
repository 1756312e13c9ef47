// Outbound federation requests: resolve the destination, sign with X-Matrix, send, read the JSON answer.
import { encodeCanonicalJson } from "../protocol/canonical-json";
import { signRequest } from "../protocol/federation/signed-request";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import type { SigningKey } from "../protocol/signing";
import { readJsonResponse, sendOutbound, transportError, type TransportError } from "./outbound-fetch";
import { resolveServer, type ResolverDeps } from "./server-resolver";

export interface FederationClientDeps extends ResolverDeps {
  /** Our server name: the `origin` of every request. */
  readonly serverName: string;
  readonly signingKey: SigningKey;
}

export interface FederationRequest {
  /** The server name of the destination (before any delegation: that is what is signed). */
  readonly destination: string;
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** From `/_matrix/…` on, query string included, already percent-encoded: signed exactly as sent. */
  readonly path: string;
  /** JSON body (POST and PUT always send one; the spec requires an object, possibly empty). */
  readonly body?: JsonObject;
  readonly timeoutMs?: number;
}

export interface FederationResponse {
  readonly status: number;
  readonly body: JsonValue;
}

/** Answers larger than this are refused (state and backfill answers of big rooms stay well below). */
export const FEDERATION_RESPONSE_MAX_BYTES = 32 * 1024 * 1024;

/** Sends a signed request and returns the raw response (callers that stream read it themselves). */
export async function sendFederationRequest(deps: FederationClientDeps, request: FederationRequest): Promise<Result<Response, TransportError>> {
  if (!request.path.startsWith("/_matrix/")) return err(transportError("invalid_request", `not a federation path: ${request.path}`));
  if (request.body !== undefined && !encodeCanonicalJson(request.body).ok) {
    return err(transportError("invalid_request", "the body is not canonical JSON (floats or out-of-range integers)"));
  }
  const base = await resolveServer(deps, request.destination);
  if (!base.ok) return base;
  const content = request.body ?? (request.method === "POST" || request.method === "PUT" ? {} : undefined);
  const authorization = signRequest(
    {
      method: request.method,
      uri: request.path,
      origin: deps.serverName,
      destination: request.destination,
      ...(content === undefined ? {} : { content }),
    },
    deps.signingKey,
  );
  const headers: Record<string, string> = { Authorization: authorization, Accept: "application/json" };
  if (content !== undefined) headers["Content-Type"] = "application/json";
  const outbound = new Request(`${base.value}${request.path}`, {
    method: request.method,
    headers,
    ...(content === undefined ? {} : { body: JSON.stringify(content) }),
  });
  return sendOutbound(deps.fetch, outbound, request.timeoutMs);
}

/** Sends a signed request and reads its JSON answer, whatever the status (the caller decides what an error means). */
export async function federationRequest(deps: FederationClientDeps, request: FederationRequest): Promise<Result<FederationResponse, TransportError>> {
  const sent = await sendFederationRequest(deps, request);
  if (!sent.ok) return sent;
  const body = await readJsonResponse(sent.value, FEDERATION_RESPONSE_MAX_BYTES);
  if (!body.ok) return err(transportError("bad_response", `${request.destination} ${request.path}: ${body.error}`));
  return ok({ status: sent.value.status, body: body.value });
}
