// Loads every event a resolution can touch (the state sets and their auth chains) up front, so later steps cannot miss one.
import { compareCodePoints } from "../canonical-json";
import { isJsonObject } from "../json-value";
import type { RoomEvent } from "../pdu";
import { err, ok, type Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import { authCycle, invalidStateEntry, missingEvent, type StateResError, wrongRoom } from "./state-res-error";

export type FetchEvent = (eventId: string) => RoomEvent | undefined;

/** A closed set of events: every auth event (and, from v12, the create event) of a member is a member. */
export interface EventGraph {
  readonly roomId: string;
  readonly has: (eventId: string) => boolean;
  /** The event; only call with IDs known to be in the graph. */
  readonly event: (eventId: string) => RoomEvent;
  /** The event's auth_events without duplicates. */
  readonly authEventIds: (eventId: string) => readonly string[];
  /** The m.room.create event that governs the event (itself for the create event), if it has one. */
  readonly createEventId: (eventId: string) => string | undefined;
}

const isCreateEvent = (event: RoomEvent): boolean =>
  event.pdu.type === "m.room.create" && event.pdu.state_key === "";

/** The room an event belongs to; a v12 create event names none, its room ID is derived from its event ID. */
function roomIdOf(rules: RoomVersionRules, event: RoomEvent): string | undefined {
  if (typeof event.pdu.room_id === "string") return event.pdu.room_id;
  if (rules.roomIdFromCreateEvent && isCreateEvent(event) && event.eventId.startsWith("$")) {
    return `!${event.eventId.slice(1)}`;
  }
  return undefined;
}

/** The auth events a graph walk follows, plus, from v12, the create event that the room ID stands for. */
function references(rules: RoomVersionRules, event: RoomEvent, roomId: string): string[] {
  const refs = [...event.pdu.auth_events];
  if (rules.roomIdFromCreateEvent && !isCreateEvent(event) && roomId.startsWith("!")) refs.push(`$${roomId.slice(1)}`);
  return refs;
}

/**
 * Fetches `roots` and everything reachable from them, checking that each is well formed, in one room,
 * and that the auth graph has no cycle. Roots are visited in sorted order so the error reported for
 * bad input does not depend on the order the caller listed them in.
 */
export function loadEventGraph(
  rules: RoomVersionRules,
  roots: Iterable<string>,
  fetch: FetchEvent,
): Result<EventGraph, StateResError> {
  const events = new Map<string, RoomEvent>();
  const auth = new Map<string, readonly string[]>();
  let roomId: string | undefined;
  const stack: Array<readonly [id: string, referencedBy: string | undefined]> = [...new Set(roots)]
    .sort(compareCodePoints)
    .reverse()
    .map((id) => [id, undefined] as const);
  while (stack.length > 0) {
    const [id, referencedBy] = stack.pop() as readonly [string, string | undefined];
    if (events.has(id)) continue;
    const event = fetch(id);
    if (event === undefined) return err(missingEvent(id, referencedBy));
    if (event.eventId !== id) return err(invalidStateEntry(id, `fetching ${id} returned ${event.eventId}`));
    const malformed = malformedField(event);
    if (malformed !== undefined) return err(invalidStateEntry(id, `event ${id} has a malformed ${malformed}`));
    const eventRoom = roomIdOf(rules, event);
    if (eventRoom === undefined) return err(wrongRoom(id, "(none)", roomId ?? "(unknown)"));
    roomId ??= eventRoom;
    if (eventRoom !== roomId) return err(wrongRoom(id, eventRoom, roomId));
    events.set(id, event);
    auth.set(id, [...new Set(event.pdu.auth_events)]);
    const refs = references(rules, event, eventRoom);
    for (let i = refs.length - 1; i >= 0; i--) {
      const ref = refs[i] as string;
      if (!events.has(ref)) stack.push([ref, id]);
    }
  }
  const cycle = findCycle(events, auth);
  if (cycle !== undefined) return err(authCycle(cycle));

  const createIds = new Map<string, string | undefined>();
  const createEventId = (id: string): string | undefined => {
    if (createIds.has(id)) return createIds.get(id);
    const event = events.get(id);
    let found: string | undefined;
    if (event !== undefined && isCreateEvent(event)) found = id;
    else if (rules.roomIdFromCreateEvent) {
      const derived = roomId !== undefined && roomId.startsWith("!") ? `$${roomId.slice(1)}` : undefined;
      found = derived !== undefined && events.has(derived) ? derived : undefined;
    } else {
      found = (auth.get(id) ?? []).find((a) => {
        const candidate = events.get(a);
        return candidate !== undefined && isCreateEvent(candidate);
      });
    }
    createIds.set(id, found);
    return found;
  };

  return ok({
    roomId: roomId ?? "",
    has: (id) => events.has(id),
    event: (id) => {
      const event = events.get(id);
      if (event === undefined) throw new Error(`state-res invariant broken: ${id} was not loaded`);
      return event;
    },
    authEventIds: (id) => auth.get(id) ?? [],
    createEventId,
  });
}

/** The fields the algorithm reads, checked once so the later steps can trust them. */
function malformedField(event: RoomEvent): string | undefined {
  const pdu = event.pdu;
  if (!Array.isArray(pdu.auth_events) || !pdu.auth_events.every((a) => typeof a === "string")) return "auth_events";
  if (typeof pdu.type !== "string") return "type";
  if (typeof pdu.sender !== "string") return "sender";
  if (typeof pdu.origin_server_ts !== "number" || !Number.isFinite(pdu.origin_server_ts)) return "origin_server_ts";
  if (!isJsonObject(pdu.content)) return "content";
  if (pdu.state_key !== undefined && typeof pdu.state_key !== "string") return "state_key";
  return undefined;
}

/** The m.room.power_levels event among the event's auth_events, if any. */
export function powerLevelsAuthEvent(graph: EventGraph, eventId: string): string | undefined {
  return graph.authEventIds(eventId).find((id) => {
    const pdu = graph.event(id).pdu;
    return pdu.type === "m.room.power_levels" && pdu.state_key === "";
  });
}

/** Depth-first search with colours; returns an event on a cycle, if any. */
function findCycle(
  events: ReadonlyMap<string, RoomEvent>,
  auth: ReadonlyMap<string, readonly string[]>,
): string | undefined {
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: finished
  for (const start of [...events.keys()].sort(compareCodePoints)) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; next: number };
      const children = auth.get(top.id) ?? [];
      if (top.next < children.length) {
        const child = children[top.next++] as string;
        const seen = state.get(child);
        if (seen === 1) return child;
        if (seen === undefined && events.has(child)) {
          state.set(child, 1);
          stack.push({ id: child, next: 0 });
        }
      } else {
        state.set(top.id, 2);
        stack.pop();
      }
    }
  }
  return undefined;
}

/** Every event reachable from `starts` through auth_events; the starts themselves only when `includeStarts`. */
export function authClosure(graph: EventGraph, starts: Iterable<string>, includeStarts = false): Set<string> {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const start of starts) {
    if (includeStarts) seen.add(start);
    stack.push(...graph.authEventIds(start));
  }
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...graph.authEventIds(id));
  }
  return seen;
}
