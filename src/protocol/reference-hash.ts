// Reference hashes (server-server "Calculating the reference hash for an event"): the basis of v3+ event IDs and v12 room IDs.
import { sha256 } from "@noble/hashes/sha2.js";
import { encodeCanonicalJson, type CanonicalJsonError } from "./canonical-json";
import type { JsonObject } from "./json-value";
import { redactEvent } from "./redaction";
import { err, ok, type Result } from "./result";
import type { RoomVersionRules } from "./room-versions";

const utf8 = new TextEncoder();

/** The reference hash, or why the redacted event has no canonical form (a float, an out-of-range integer…). */
export function tryReferenceHash(rules: RoomVersionRules, event: JsonObject): Result<Uint8Array, CanonicalJsonError> {
  const { signatures: _s, unsigned: _u, ...essential } = redactEvent(rules, event);
  const canonical = encodeCanonicalJson(essential);
  return canonical.ok ? ok(sha256(utf8.encode(canonical.value))) : err(canonical.error);
}

/**
 * SHA-256 of the canonical JSON of the redacted event without `signatures` and `unsigned`.
 * Throws only if the event is not canonical-JSON encodable; use tryReferenceHash on untrusted input.
 */
export function referenceHash(rules: RoomVersionRules, event: JsonObject): Uint8Array {
  const r = tryReferenceHash(rules, event);
  if (!r.ok) throw new Error(`event not canonical-JSON encodable: ${r.error.reason} at ${r.error.path}`);
  return r.value;
}
