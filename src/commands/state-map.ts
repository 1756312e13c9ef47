// Small operations on state maps: lookups for the auth rules, and the delta between two states.
import type { StateLookup } from "../protocol/auth/auth-types";
import { stateKeyString, type RoomEvent } from "../protocol/pdu";
import type { StateEntry, StateDelta } from "./log-entry";
import type { StateMap } from "./room-decision";

/** The auth rules' view of a state map; IDs the room cannot load read as absent. */
export const lookupIn =
  (state: StateMap, getEvent: (eventId: string) => RoomEvent | undefined): StateLookup =>
  (type, stateKey) => {
    const id = state.get(stateKeyString(type, stateKey));
    return id === undefined ? undefined : getEvent(id);
  };

/** The (type, state_key) pair a stateKeyString encodes. */
export function parseStateKey(key: string): { type: string; stateKey: string } {
  const [type, stateKey] = JSON.parse(key) as [string, string];
  return { type, stateKey };
}

const entry = (key: string, eventId: string): StateEntry => ({ ...parseStateKey(key), eventId });

/** What changed from `before` to `after`: entries new or replaced in `after`, and the ones they replaced or dropped. */
export function stateDiff(before: StateMap, after: StateMap): StateDelta {
  const added: StateEntry[] = [];
  const removed: StateEntry[] = [];
  for (const [key, id] of after) {
    const old = before.get(key);
    if (old === id) continue;
    added.push(entry(key, id));
    if (old !== undefined) removed.push(entry(key, old));
  }
  for (const [key, id] of before) if (!after.has(key)) removed.push(entry(key, id));
  return { added, removed };
}

export const EMPTY_DELTA: StateDelta = { added: [], removed: [] };

/** The state after a state event on top of `before`. */
export function withEntry(before: StateMap, event: RoomEvent): StateMap {
  if (event.pdu.state_key === undefined) return before;
  const after = new Map(before);
  after.set(stateKeyString(event.pdu.type, event.pdu.state_key), event.eventId);
  return after;
}

/** The delta of appending one event on top of the current state: its own entry and the one it replaces (no full diff). */
export function singleEntryDelta(current: StateMap, event: RoomEvent): StateDelta {
  const { type, state_key: stateKey } = event.pdu;
  if (stateKey === undefined) return EMPTY_DELTA;
  const old = current.get(stateKeyString(type, stateKey));
  return {
    added: [{ type, stateKey, eventId: event.eventId }],
    removed: old === undefined || old === event.eventId ? [] : [{ type, stateKey, eventId: old }],
  };
}
