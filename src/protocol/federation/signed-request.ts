// The JSON a server signs to authenticate a federation request (spec "Request Authentication", step 1), signing and checking it.
import type { JsonObject, JsonValue } from "../json-value";
import { type SignatureError, type SigningKey, signJson, verifyJsonSignature } from "../signing";
import type { Result } from "../result";
import { formatXMatrixHeader, type XMatrixAuth } from "./x-matrix-header";

export interface FederationRequestParts {
  readonly method: string;
  /** The request target from `/_matrix/…` on, with `?` and the query string if there is one. */
  readonly uri: string;
  readonly origin: string;
  readonly destination: string;
  /** The JSON-parsed body; absent for requests without one. */
  readonly content?: JsonValue;
}

/** The object that is signed: method, uri, origin, destination and, when there is a body, content. */
export function requestJsonToSign(parts: FederationRequestParts): JsonObject {
  const base = { method: parts.method, uri: parts.uri, origin: parts.origin, destination: parts.destination };
  return parts.content === undefined ? base : { ...base, content: parts.content };
}

/** The `Authorization` header value for a request from `parts.origin`, signed with `key`. */
export function signRequest(parts: FederationRequestParts, key: SigningKey): string {
  const signed = signJson(requestJsonToSign(parts), parts.origin, key);
  const signatures = signed["signatures"] as Record<string, Record<string, string>>;
  const sig = signatures[parts.origin]![key.keyId]!;
  return formatXMatrixHeader({ origin: parts.origin, destination: parts.destination, key: key.keyId, sig });
}

export interface ReceivedRequest {
  readonly method: string;
  readonly uri: string;
  readonly content?: JsonValue;
}

/**
 * Checks a received header's signature with the origin's public key. The JSON is rebuilt from what
 * arrived; a header without `destination` (older servers) was signed with the receiver's name,
 * which the caller passes as `ourServerName`.
 */
export function verifyRequestSignature(
  request: ReceivedRequest,
  auth: XMatrixAuth,
  ourServerName: string,
  publicKey: Uint8Array,
): Result<void, SignatureError> {
  const json = requestJsonToSign({
    method: request.method,
    uri: request.uri,
    origin: auth.origin,
    destination: auth.destination ?? ourServerName,
    ...(request.content === undefined ? {} : { content: request.content }),
  });
  const signed: JsonObject = { ...json, signatures: { [auth.origin]: { [auth.key]: auth.sig } } };
  return verifyJsonSignature(signed, auth.origin, auth.key, publicKey);
}
