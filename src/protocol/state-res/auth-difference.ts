// The auth difference: events in the auth chain of some state map but not of all of them.
import { authClosure, type EventGraph } from "./event-graph";

/**
 * Per the spec, the full auth chain of a state map is the union of the auth chains of its events,
 * and an event's auth chain does not contain the event itself; so a state event only counts as in
 * a map's chain when another event of that map (transitively) cites it.
 */
export function authDifference(graph: EventGraph, stateSets: readonly ReadonlyMap<string, string>[]): Set<string> {
  const chains = stateSets.map((stateSet) => authClosure(graph, stateSet.values()));
  const difference = new Set<string>();
  for (const chain of chains) {
    for (const id of chain) {
      if (!chains.every((other) => other.has(id))) difference.add(id);
    }
  }
  return difference;
}
