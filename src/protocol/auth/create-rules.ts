// The `m.room.create` auth rule (rule 1): a room's first event stands on its own.
import type { RoomEvent } from "../pdu";
import { ok, type Result } from "../result";
import { roomVersionRules, type RoomVersionRules } from "../room-versions";
import type { AuthRejection } from "./auth-types";
import { createRules, reject } from "./rule-numbers";
import { domainOf, isValidUserId } from "./user-ids";

export function authorizeCreate(rules: RoomVersionRules, event: RoomEvent): Result<void, AuthRejection> {
  const n = createRules(rules);
  const { pdu } = event;
  if (pdu.prev_events.length > 0) return reject(n.prevEvents, "create event has prev_events");
  if (rules.roomIdFromCreateEvent) {
    // The room ID is derived from this event's ID, so it cannot also appear inside the event.
    if (pdu.room_id !== undefined) return reject(n.roomId, "create event has a room_id");
  } else {
    const roomDomain = pdu.room_id === undefined ? undefined : domainOf(pdu.room_id);
    if (roomDomain === undefined || roomDomain !== domainOf(pdu.sender)) {
      return reject(n.roomId, "room_id domain does not match the sender's domain");
    }
  }
  if ("room_version" in pdu.content) {
    const version = pdu.content["room_version"];
    if (typeof version !== "string" || roomVersionRules(version) === undefined) {
      return reject(n.roomVersion, "content.room_version is not a recognised room version");
    }
  }
  if (n.creator !== undefined && !("creator" in pdu.content)) {
    return reject(n.creator, "content has no creator");
  }
  if (n.additionalCreators !== undefined && "additional_creators" in pdu.content) {
    const additional = pdu.content["additional_creators"];
    if (!Array.isArray(additional) || !additional.every((id) => typeof id === "string" && isValidUserId(id))) {
      return reject(n.additionalCreators, "additional_creators is not an array of valid user IDs");
    }
  }
  return ok(undefined);
}
