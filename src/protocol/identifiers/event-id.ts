// Event ID grammar per room version: v1–v2 `$opaque:server`, v3 `$` + base64 hash, v4+ `$` + URL-safe base64 hash.
import { ok, type Result } from "../result";
import type { EventIdFormat } from "../room-versions";
import { invalidIdentifier, MAX_IDENTIFIER_BYTES, type EventId, type IdentifierKind, type InvalidIdentifier } from "./brand";
import { isLenientLocalpart, splitAtServer, utf8ByteLength } from "./localpart";
import { parseServerName } from "./server-name";

export type HashAlphabet = "standard" | "url_safe";

/** Unpadded base64 of a 32-byte (SHA-256) hash is 43 characters. */
export const HASH_ID_LENGTH = 43;
const STANDARD_HASH = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$/;
const URL_SAFE_HASH = /^[A-Za-z0-9\-_]{42}[AEIMQUYcgkosw048]$/;

/**
 * Whether `text` is the unpadded base64 of a SHA-256 hash in the given alphabet. The last
 * character carries 4 data bits and 2 zero bits, so only 16 characters can end a real encoding;
 * any other ending could never equal a computed hash.
 */
export const isHashIdentifier = (text: string, alphabet: HashAlphabet): boolean =>
  (alphabet === "standard" ? STANDARD_HASH : URL_SAFE_HASH).test(text);

/**
 * Shared by event IDs and room IDs: the part after the sigil, either `opaque:server`
 * (`withServer`) or a hash in one of `alphabets`.
 */
export function checkSigilled(
  kind: IdentifierKind,
  sigil: string,
  text: string,
  shape: { readonly withServer: boolean; readonly hash: readonly HashAlphabet[] },
): InvalidIdentifier | undefined {
  const fail = (reason: InvalidIdentifier["reason"]): InvalidIdentifier => ({ _tag: "InvalidIdentifier", kind, reason });
  if (!text.startsWith(sigil)) return fail(text === "" ? "empty" : "missing_sigil");
  if (utf8ByteLength(text) > MAX_IDENTIFIER_BYTES) return fail("too_long");
  const parts = splitAtServer(text);
  if (parts) {
    // Hash alphabets have no `:`, so a `:` always means the `opaque:server` form.
    if (!shape.withServer) return fail("unexpected_server");
    if (!isLenientLocalpart(parts.localpart)) return fail("invalid_localpart");
    if (!parseServerName(parts.server).ok) return fail("invalid_server_name");
    return undefined;
  }
  if (shape.hash.length === 0) return fail("missing_server");
  const body = text.slice(1);
  return shape.hash.some((alphabet) => isHashIdentifier(body, alphabet)) ? undefined : fail("invalid_hash");
}

export interface EventIdOptions {
  /** The room version's event ID format, or "any" when the room version is not known here. */
  readonly format?: EventIdFormat | "any";
}

const SHAPES = {
  v1: { withServer: true, hash: [] },
  v3: { withServer: false, hash: ["standard"] },
  v4: { withServer: false, hash: ["url_safe"] },
  any: { withServer: true, hash: ["standard", "url_safe"] },
} as const;

export function parseEventId(text: string, options: EventIdOptions = {}): Result<EventId, InvalidIdentifier> {
  const problem = checkSigilled("event_id", "$", text, SHAPES[options.format ?? "any"]);
  return problem ? invalidIdentifier(problem.kind, problem.reason) : ok(text as EventId);
}

export const isValidEventId = (text: string, options?: EventIdOptions): text is EventId => parseEventId(text, options).ok;
