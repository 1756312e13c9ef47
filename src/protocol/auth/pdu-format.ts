// The event format check on receipt: required PDU fields and types, canonical JSON, and size limits.
import { encodeCanonicalJson } from "../canonical-json";
import { isJsonObject, type JsonObject } from "../json-value";
import type { Pdu } from "../pdu";
import { err, ok, type Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import { isValidUserId, utf8Length } from "./user-ids";

export type PduFormatError = {
  readonly _tag: "PduFormatError";
  readonly reason:
    | "not_an_object"
    | "not_canonical" // floats, out-of-range integers (v6+) or text that cannot be encoded at all
    | "too_large" // over 65536 bytes as canonical JSON
    | "missing_field"
    | "wrong_type"
    | "too_long" // an ID, type or state_key over 255 bytes
    | "too_many_references" // over 20 prev_events or 10 auth_events
    | "unsupported_format"; // room versions 1 and 2 use another PDU shape
  readonly field?: string;
};

export const MAX_PDU_BYTES = 65536;
export const MAX_KEY_BYTES = 255;
export const MAX_PREV_EVENTS = 20;
export const MAX_AUTH_EVENTS = 10;

const fail = (reason: PduFormatError["reason"], field?: string): Result<never, PduFormatError> =>
  err({ _tag: "PduFormatError", reason, ...(field === undefined ? {} : { field }) });

const isInteger = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v);

/** The event's size as the spec measures it; before v6, values canonical JSON cannot hold still count. */
function encodedSize(rules: RoomVersionRules, pdu: JsonObject): number | PduFormatError["reason"] {
  const canonical = encodeCanonicalJson(pdu);
  if (canonical.ok) return utf8Length(canonical.value);
  const numeric = canonical.error.reason === "float" || canonical.error.reason === "integer_out_of_range";
  // Versions before 6 do not enforce canonical JSON, so floats may appear (power levels, notably).
  if (rules.strictCanonicalJson || !numeric) return "not_canonical";
  return utf8Length(JSON.stringify(pdu));
}

function checkString(pdu: JsonObject, field: string, limit?: number): Result<void, PduFormatError> {
  const value = pdu[field];
  if (value === undefined) return fail("missing_field", field);
  if (typeof value !== "string") return fail("wrong_type", field);
  if (limit !== undefined && utf8Length(value) > limit) return fail("too_long", field);
  return ok(undefined);
}

function checkIdList(pdu: JsonObject, field: string, max: number): Result<void, PduFormatError> {
  const value = pdu[field];
  if (value === undefined) return fail("missing_field", field);
  if (!Array.isArray(value) || !value.every((id) => typeof id === "string")) return fail("wrong_type", field);
  if (value.length > max) return fail("too_many_references", field);
  if (value.some((id) => utf8Length(id as string) > MAX_KEY_BYTES)) return fail("too_long", field);
  return ok(undefined);
}

const isSignatureMap = (value: unknown): boolean =>
  isJsonObject(value) &&
  Object.values(value).every((byKey) => isJsonObject(byKey) && Object.values(byKey).every((s) => typeof s === "string"));

/**
 * Checks that `pdu` is a well-formed event of the room version (room versions 3 and later):
 * field presence and types, at most 65536 bytes of canonical JSON, 255-byte limits on `sender`,
 * `room_id`, `type`, `state_key` and referenced event IDs, and canonical integers from v6.
 */
export function checkPduFormat(rules: RoomVersionRules, pdu: unknown): Result<Pdu, PduFormatError> {
  if (!isJsonObject(pdu)) return fail("not_an_object");
  if (rules.eventIdFormat === "v1") return fail("unsupported_format");
  const size = encodedSize(rules, pdu);
  if (typeof size !== "number") return fail(size);
  if (size > MAX_PDU_BYTES) return fail("too_large");

  const type = checkString(pdu, "type", MAX_KEY_BYTES);
  if (!type.ok) return type;
  const sender = checkString(pdu, "sender", MAX_KEY_BYTES);
  if (!sender.ok) return sender;
  if (!isValidUserId(pdu["sender"] as string)) return fail("wrong_type", "sender");
  // A v12 create event has no room_id (rule 1.2 rejects one); every other event needs it.
  const createWithoutRoom = rules.roomIdFromCreateEvent && pdu["type"] === "m.room.create" && !("room_id" in pdu);
  if (!createWithoutRoom) {
    const roomId = checkString(pdu, "room_id", MAX_KEY_BYTES);
    if (!roomId.ok) return roomId;
    if (!(pdu["room_id"] as string).startsWith("!")) return fail("wrong_type", "room_id");
  }
  if ("state_key" in pdu) {
    const stateKey = checkString(pdu, "state_key", MAX_KEY_BYTES);
    if (!stateKey.ok) return stateKey;
  }
  for (const field of ["origin_server_ts", "depth"]) {
    if (pdu[field] === undefined) return fail("missing_field", field);
    if (!isInteger(pdu[field])) return fail("wrong_type", field);
  }
  if (pdu["content"] === undefined) return fail("missing_field", "content");
  if (!isJsonObject(pdu["content"])) return fail("wrong_type", "content");
  const prev = checkIdList(pdu, "prev_events", MAX_PREV_EVENTS);
  if (!prev.ok) return prev;
  const auth = checkIdList(pdu, "auth_events", MAX_AUTH_EVENTS);
  if (!auth.ok) return auth;
  const hashes = pdu["hashes"];
  if (hashes === undefined) return fail("missing_field", "hashes");
  if (!isJsonObject(hashes) || typeof hashes["sha256"] !== "string") return fail("wrong_type", "hashes");
  if (pdu["signatures"] === undefined) return fail("missing_field", "signatures");
  if (!isSignatureMap(pdu["signatures"])) return fail("wrong_type", "signatures");
  if ("unsigned" in pdu && !isJsonObject(pdu["unsigned"])) return fail("wrong_type", "unsigned");
  if (!rules.redactsInContent && "redacts" in pdu && typeof pdu["redacts"] !== "string") {
    return fail("wrong_type", "redacts");
  }
  return ok(pdu as unknown as Pdu);
}
