// The reverse topological power ordering: Kahn's algorithm over the auth DAG, smallest candidate first.
import { compareCodePoints } from "../canonical-json";
import type { RoomVersionRules } from "../room-versions";
import { authClosure, type EventGraph } from "./event-graph";
import { MinHeap } from "./min-heap";
import { senderPowerLevel } from "./sender-power-level";

interface Candidate {
  readonly id: string;
  readonly power: number;
  readonly ts: number;
}

/** x < y: greater sender power, then smaller origin_server_ts, then smaller event ID. */
const powerLess = (x: Candidate, y: Candidate): boolean => {
  if (x.power !== y.power) return x.power > y.power;
  if (x.ts !== y.ts) return x.ts < y.ts;
  return compareCodePoints(x.id, y.id) < 0;
};

/**
 * Orders `events` earliest first. An event must come after every member of the set in its auth
 * chain, not only after the ones it cites directly: the order is a topological order of the
 * auth DAG itself, and intermediate events may lie outside the set.
 */
export function reverseTopologicalPowerOrdering(
  rules: RoomVersionRules,
  graph: EventGraph,
  events: ReadonlySet<string>,
): string[] {
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const id of events) {
    let count = 0;
    for (const ancestor of authClosure(graph, [id])) {
      if (!events.has(ancestor) || ancestor === id) continue;
      count++;
      const list = dependents.get(ancestor);
      if (list === undefined) dependents.set(ancestor, [id]);
      else list.push(id);
    }
    waitingOn.set(id, count);
  }

  const candidate = (id: string): Candidate => ({
    id,
    power: senderPowerLevel(rules, graph, id),
    ts: graph.event(id).pdu.origin_server_ts,
  });
  const ready = new MinHeap<Candidate>(powerLess);
  for (const [id, count] of waitingOn) if (count === 0) ready.push(candidate(id));

  const ordered: string[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    ordered.push(next.id);
    for (const dependent of dependents.get(next.id) ?? []) {
      const left = (waitingOn.get(dependent) ?? 0) - 1;
      waitingOn.set(dependent, left);
      if (left === 0) ready.push(candidate(dependent));
    }
  }
  return ordered;
}
