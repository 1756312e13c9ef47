// decide for IngestPdu: a federated event is checked against its auth events, the state before it and the current state.
import { checkAuthEventsList, stateFromAuthEvents, type AuthEventEntry } from "../protocol/auth/auth-events-list";
import type { AuthRejection } from "../protocol/auth/auth-types";
import { authorizeEvent, SIGNATURES_VERIFIED_ON_RECEIPT } from "../protocol/auth/authorize-event";
import { checkPduFormat } from "../protocol/auth/pdu-format";
import { computeEventId } from "../protocol/event-id";
import type { RoomEvent } from "../protocol/pdu";
import { err, ok, type Result } from "../protocol/result";
import { resolveState } from "../protocol/state-res/resolve-state";
import { jsonContent } from "./local-event";
import type { EntryStatus } from "./log-entry";
import { badRequest, type Rejection } from "./rejection";
import type { IngestPdu } from "./room-command";
import type { DecidedEvent, Decision, RoomStateView, StateMap } from "./room-decision";
import { EMPTY_DELTA, lookupIn, stateDiff, withEntry } from "./state-map";
import { WorkingRoom } from "./working-room";

const options = SIGNATURES_VERIFIED_ON_RECEIPT;

/** The state before an event: the state after its one prev event, or those of several resolved together. */
function stateBeforeOf(room: WorkingRoom, view: RoomStateView, prevEvents: readonly string[]): Result<StateMap, Rejection> {
  const sets: StateMap[] = [];
  for (const id of prevEvents) {
    const state = room.stateAfter(id);
    if (state === undefined) return err({ _tag: "MissingEvents", eventIds: [id], reason: `no state known after ${id}` });
    sets.push(state);
  }
  const [only] = sets;
  if (sets.length === 1 && only !== undefined) return ok(only);
  return resolve(room, view, sets);
}

/** `incoming`: the event being decided, which the sets may name before it is appended. */
function resolve(room: WorkingRoom, view: RoomStateView, sets: StateMap[], incoming?: RoomEvent): Result<StateMap, Rejection> {
  const isRejected = (id: string): boolean => room.getEvent(id)?.status === "rejected";
  const fetch = (id: string): RoomEvent | undefined => (id === incoming?.eventId ? incoming : room.fetchEvent(id));
  const resolved = resolveState(view.rules, sets, fetch, { isRejected });
  if (!resolved.ok) return err(badRequest(`state resolution failed: ${resolved.error._tag}`));
  return ok(resolved.value);
}

type Verdict = { status: EntryStatus; rejection?: AuthRejection };

/** The checks on receipt from step 4 on, against state this room already holds. */
function verdictOf(room: WorkingRoom, view: RoomStateView, event: RoomEvent, stateBefore: StateMap): Verdict {
  const { rules } = view;
  const entries: AuthEventEntry[] = [];
  for (const id of event.pdu.auth_events) {
    const stored = room.getEvent(id);
    if (stored !== undefined) entries.push({ event: stored.event, rejected: stored.status === "rejected" });
  }
  const create = rules.roomIdFromCreateEvent ? room.getEvent(`$${view.roomId.slice(1)}`)?.event : undefined;
  const list = checkAuthEventsList(rules, event, entries);
  if (!list.ok) return { status: "rejected", rejection: list.error };
  const byAuthEvents = authorizeEvent(rules, event, stateFromAuthEvents(entries.map((e) => e.event), create), options);
  if (!byAuthEvents.ok) return { status: "rejected", rejection: byAuthEvents.error };
  const byStateBefore = authorizeEvent(rules, event, lookupIn(stateBefore, room.fetchEvent), options);
  if (!byStateBefore.ok) return { status: "rejected", rejection: byStateBefore.error };
  const byCurrent = authorizeEvent(rules, event, room.currentLookup(), options);
  if (!byCurrent.ok) return { status: "soft_failed", rejection: byCurrent.error };
  return { status: "accepted" };
}

export function decideIngestPdu(command: IngestPdu, view: RoomStateView): Result<Decision, Rejection> {
  const { rules } = view;
  const format = checkPduFormat(rules, command.pdu);
  if (!format.ok) return err(badRequest(`invalid PDU: ${format.error.reason}${format.error.field === undefined ? "" : ` (${format.error.field})`}`));
  const pdu = format.value;
  if (pdu.room_id !== view.roomId) return err(badRequest("the PDU belongs to another room"));
  if (pdu.type === "m.room.create" && pdu.state_key === "") return err(badRequest("the room already has its create event"));
  const json = jsonContent(command.pdu, "pdu");
  if (!json.ok) return json;
  const id = computeEventId(rules, json.value);
  if (!id.ok) return err(badRequest(`cannot compute the event ID: ${id.error.reason}`));
  const event: RoomEvent = { eventId: id.value, pdu };

  const room = WorkingRoom.fromView(view);
  if (room.getEvent(event.eventId) !== undefined) return ok(room.decision(event.eventId));
  const missing = [...pdu.prev_events, ...pdu.auth_events].filter((ref) => room.getEvent(ref) === undefined);
  if (missing.length > 0) return err({ _tag: "MissingEvents", eventIds: [...new Set(missing)], reason: "unknown prev or auth events" });

  const stateBefore = stateBeforeOf(room, view, pdu.prev_events);
  if (!stateBefore.ok) return stateBefore;
  const verdict = verdictOf(room, view, event, stateBefore.value);
  const stateAfter = verdict.status === "rejected" ? stateBefore.value : withEntry(stateBefore.value, event);

  const current = room.currentState;
  let currentAfter: StateMap = current;
  let extremities = room.forwardExtremities;
  if (verdict.status === "accepted") {
    const others = room.forwardExtremities.filter((e) => !pdu.prev_events.includes(e));
    extremities = [...others, event.eventId];
    if (others.length === 0) currentAfter = stateAfter;
    else {
      // A fork: the room's state is now the resolution of what it was and what this branch says.
      const resolved = resolve(room, view, [current, stateAfter], event);
      if (!resolved.ok) return resolved;
      currentAfter = resolved.value;
    }
  }
  const decided: DecidedEvent = {
    event,
    status: verdict.status,
    ...(verdict.rejection === undefined ? {} : { rule: verdict.rejection.rule }),
    stateDelta: currentAfter === current ? EMPTY_DELTA : stateDiff(current, currentAfter),
    stateBefore: stateBefore.value,
    stateAfter,
  };
  room.append(decided, currentAfter, extremities);
  return ok(room.decision(event.eventId));
}
