// The auth rule on the `auth_events` list itself (rule 2, rule 3 in v12) and the state those events form.
import { stateKeyString, type RoomEvent } from "../pdu";
import { ok, type Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import type { AuthRejection, StateLookup } from "./auth-types";
import { selectedAuthKeySet } from "./auth-events-selection";
import { authEventsRules, reject } from "./rule-numbers";

/** One of an event's auth events as the receiving server holds it. */
export interface AuthEventEntry {
  readonly event: RoomEvent;
  /** Whether this event was itself rejected by the checks on receipt. */
  readonly rejected: boolean;
}

/**
 * Checks the event's `auth_events` list: no duplicate (type, state_key), nothing outside the auth
 * events selection, nothing rejected, a create event before v12, and one room ID throughout.
 * The create event is decided by rule 1 before this rule applies, so it always passes here.
 */
export function checkAuthEventsList(
  rules: RoomVersionRules,
  event: RoomEvent,
  authEvents: readonly AuthEventEntry[],
): Result<void, AuthRejection> {
  if (event.pdu.type === "m.room.create") return ok(undefined);
  const n = authEventsRules(rules);
  const seen = new Set<string>();
  for (const { event: auth } of authEvents) {
    const key = stateKeyString(auth.pdu.type, auth.pdu.state_key ?? "");
    if (auth.pdu.state_key !== undefined && seen.has(key)) {
      return reject(n.duplicates, `two auth events for (${auth.pdu.type}, ${auth.pdu.state_key})`);
    }
    seen.add(key);
  }
  const selected = selectedAuthKeySet(rules, event.pdu);
  for (const { event: auth } of authEvents) {
    if (auth.pdu.state_key === undefined || !selected.has(stateKeyString(auth.pdu.type, auth.pdu.state_key))) {
      return reject(n.selection, `auth event ${auth.eventId} is not one the auth events selection picks`);
    }
  }
  for (const { event: auth, rejected } of authEvents) {
    if (rejected) return reject(n.rejected, `auth event ${auth.eventId} was rejected`);
  }
  if (n.noCreate !== undefined && !authEvents.some(({ event: auth }) => isCreate(auth))) {
    return reject(n.noCreate, "no m.room.create event among the auth events");
  }
  for (const { event: auth } of authEvents) {
    if (auth.pdu.room_id !== event.pdu.room_id) {
      return reject(n.roomId, `auth event ${auth.eventId} belongs to another room`);
    }
  }
  return ok(undefined);
}

const isCreate = (e: RoomEvent): boolean => e.pdu.type === "m.room.create" && e.pdu.state_key === "";

/**
 * The state an event's auth events form, for the check "based on the event's auth events". In v12
 * the create event is not among them, so the caller passes the one the `room_id` names.
 */
export function stateFromAuthEvents(authEvents: readonly RoomEvent[], create?: RoomEvent): StateLookup {
  const map = new Map<string, RoomEvent>();
  if (create) map.set(stateKeyString("m.room.create", ""), create);
  for (const auth of authEvents) {
    if (auth.pdu.state_key !== undefined) map.set(stateKeyString(auth.pdu.type, auth.pdu.state_key), auth);
  }
  return (type, stateKey) => map.get(stateKeyString(type, stateKey));
}
