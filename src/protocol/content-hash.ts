// Content hashes (server-server "Calculating the content hash for an event"): cover the whole unredacted event.
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeBase64, encodeBase64 } from "./base64";
import { canonicalJsonBytes, encodeCanonicalJson } from "./canonical-json";
import { isJsonObject, type JsonObject } from "./json-value";

/** The object the content hash covers: the event without `unsigned`, `signatures` and `hashes`. */
function hashedPart(event: JsonObject): JsonObject {
  const { unsigned: _u, signatures: _s, hashes: _h, ...rest } = event;
  return rest;
}

/**
 * The unpadded standard base64 SHA-256 content hash of `event`. For events we build ourselves;
 * throws if the event is not canonical-JSON encodable (received events go through hasValidContentHash).
 */
export const computeContentHash = (event: JsonObject): string => encodeBase64(sha256(canonicalJsonBytes(hashedPart(event))));

const utf8 = new TextEncoder();

/** True when `hashes.sha256` decodes to the SHA-256 of the event's canonical form; false on anything malformed. */
export function hasValidContentHash(event: JsonObject): boolean {
  const hashes = event["hashes"];
  const claimed = isJsonObject(hashes) ? hashes["sha256"] : undefined;
  if (typeof claimed !== "string") return false;
  const decoded = decodeBase64(claimed);
  if (!decoded.ok || decoded.value.length !== 32) return false;
  const canonical = encodeCanonicalJson(hashedPart(event));
  if (!canonical.ok) return false;
  const actual = sha256(utf8.encode(canonical.value));
  return actual.every((byte, i) => byte === decoded.value[i]);
}
