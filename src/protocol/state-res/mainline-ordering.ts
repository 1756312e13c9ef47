// The mainline ordering: sorts events by where their power levels ancestry meets the resolved power levels' mainline.
import { compareCodePoints } from "../canonical-json";
import { type EventGraph, powerLevelsAuthEvent } from "./event-graph";

/** P0, P1, ...: each the power levels event among the previous one's auth_events. */
export function mainline(graph: EventGraph, powerLevelsId: string | undefined): string[] {
  const line: string[] = [];
  for (let p = powerLevelsId; p !== undefined; p = powerLevelsAuthEvent(graph, p)) line.push(p);
  return line;
}

/**
 * The index i of the first of e1, e2, ... (never e0 itself) that is on the mainline, or Infinity
 * when none is. The graph is acyclic, so the walk ends.
 */
export function mainlinePosition(graph: EventGraph, positions: ReadonlyMap<string, number>, eventId: string): number {
  for (let e = powerLevelsAuthEvent(graph, eventId); e !== undefined; e = powerLevelsAuthEvent(graph, e)) {
    const i = positions.get(e);
    if (i !== undefined) return i;
  }
  return Number.POSITIVE_INFINITY;
}

/** Sorts smallest first: greater mainline position, then smaller origin_server_ts, then smaller event ID. */
export function mainlineOrdering(
  graph: EventGraph,
  powerLevelsId: string | undefined,
  events: Iterable<string>,
): string[] {
  const positions = new Map(mainline(graph, powerLevelsId).map((id, i) => [id, i] as const));
  const keyed = [...events].map((id) => ({
    id,
    position: mainlinePosition(graph, positions, id),
    ts: graph.event(id).pdu.origin_server_ts,
  }));
  keyed.sort((x, y) => {
    if (x.position !== y.position) return x.position > y.position ? -1 : 1;
    if (x.ts !== y.ts) return x.ts < y.ts ? -1 : 1;
    return compareCodePoints(x.id, y.id);
  });
  return keyed.map((k) => k.id);
}
