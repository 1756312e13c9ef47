// Event IDs per room version (v1 server-chosen, v3 and v4 reference hashes) and v12 room IDs from the create event.
import { encodeBase64, encodeBase64Url } from "./base64";
import type { JsonObject } from "./json-value";
import { referenceHash, tryReferenceHash } from "./reference-hash";
import { err, ok, type Result } from "./result";
import type { RoomVersionRules } from "./room-versions";

export type EventIdError = {
  readonly _tag: "EventIdError";
  /** missing_event_id: a v1/v2 event without an `event_id` string; not_canonical: the event cannot be hashed. */
  readonly reason: "missing_event_id" | "not_canonical";
};

/**
 * The ID of `event` in a room of version `rules`. In v1/v2 the ID travels inside the event, so it is
 * read from `event_id`; from v3 on it is `$` and the reference hash (standard base64 in v3, URL-safe from v4).
 */
export function computeEventId(rules: RoomVersionRules, event: JsonObject): Result<string, EventIdError> {
  if (rules.eventIdFormat === "v1") {
    const id = event["event_id"];
    return typeof id === "string" ? ok(id) : err({ _tag: "EventIdError", reason: "missing_event_id" });
  }
  const hash = tryReferenceHash(rules, event);
  if (!hash.ok) return err({ _tag: "EventIdError", reason: "not_canonical" });
  return ok("$" + (rules.eventIdFormat === "v3" ? encodeBase64(hash.value) : encodeBase64Url(hash.value)));
}

/**
 * The v12 room ID: the create event's event ID with `!` instead of `$` (URL-safe reference hash).
 * Only meaningful when `rules.roomIdFromCreateEvent`; in older versions the room ID is chosen by the
 * creating server and is the create event's `room_id`. Throws only on a non-canonical event.
 */
export const roomIdFromCreateEvent = (rules: RoomVersionRules, createEvent: JsonObject): string =>
  "!" + encodeBase64Url(referenceHash(rules, createEvent));
