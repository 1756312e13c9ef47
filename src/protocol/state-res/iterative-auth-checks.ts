// The iterative auth checks: replays sorted state events over a state map, keeping those the auth rules allow.
import type { AuthRejection, StateLookup } from "../auth/auth-types";
import { authorizeEvent, SIGNATURES_VERIFIED_ON_RECEIPT } from "../auth/authorize-event";
import { type RoomEvent, stateKeyString } from "../pdu";
import type { Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import type { EventGraph } from "./event-graph";

export type Authorize = (rules: RoomVersionRules, event: RoomEvent, state: StateLookup) => Result<void, AuthRejection>;

/** Every event here passed the signature checks on receipt, so those are not repeated. */
const authorizeStored: Authorize = (rules, event, state) =>
  authorizeEvent(rules, event, state, SIGNATURES_VERIFIED_ON_RECEIPT);

/**
 * An entry of the state being built wins; for a key it lacks, the event's own (non-rejected) auth
 * event is used, as the spec says. From v12 the create event is never an auth event, so it is
 * taken from the room ID when the state lacks it (v2.1 starts from an empty map).
 */
export function iterativeAuthChecks(
  rules: RoomVersionRules,
  graph: EventGraph,
  initial: ReadonlyMap<string, string>,
  events: readonly string[],
  isRejected: (eventId: string) => boolean,
  authorize: Authorize = authorizeStored,
): Map<string, string> {
  const state = new Map(initial);
  for (const id of events) {
    const event = graph.event(id);
    const stateKey = event.pdu.state_key;
    if (stateKey === undefined) continue;

    const fromAuthEvents = new Map<string, RoomEvent>();
    for (const authId of graph.authEventIds(id)) {
      const authEvent = graph.event(authId);
      if (authEvent.pdu.state_key === undefined || isRejected(authId)) continue;
      fromAuthEvents.set(stateKeyString(authEvent.pdu.type, authEvent.pdu.state_key), authEvent);
    }
    const lookup: StateLookup = (type, key) => {
      const k = stateKeyString(type, key);
      const current = state.get(k);
      if (current !== undefined) return graph.event(current);
      const cited = fromAuthEvents.get(k);
      if (cited !== undefined) return cited;
      if (type === "m.room.create" && key === "") {
        const createId = graph.createEventId(id);
        if (createId !== undefined && !isRejected(createId)) return graph.event(createId);
      }
      return undefined;
    };

    if (authorize(rules, event, lookup).ok) state.set(stateKeyString(event.pdu.type, stateKey), id);
  }
  return state;
}
