// v2.1's conflicted state subgraph: every event on an auth_events path from one conflicted event to another.
import { authClosure, type EventGraph } from "./event-graph";

/**
 * An event is on such a path exactly when it is reachable from a conflicted event (it is one, or is
 * in one's auth chain) and a conflicted event is reachable from it. The first set is the auth
 * closure of the conflicted set; the second is found by walking that closure's edges backwards
 * from the conflicted events. Conflicted events themselves are included as endpoints.
 */
export function conflictedSubgraph(graph: EventGraph, conflicted: ReadonlySet<string>): Set<string> {
  const descendants = authClosure(graph, conflicted, true);
  const citedBy = new Map<string, string[]>();
  for (const id of descendants) {
    for (const authId of graph.authEventIds(id)) {
      const list = citedBy.get(authId);
      if (list === undefined) citedBy.set(authId, [id]);
      else list.push(id);
    }
  }
  const subgraph = new Set<string>();
  const stack = [...conflicted];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (subgraph.has(id)) continue;
    subgraph.add(id);
    for (const citer of citedBy.get(id) ?? []) if (!subgraph.has(citer)) stack.push(citer);
  }
  return subgraph;
}
