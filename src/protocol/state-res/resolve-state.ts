// State resolution v2 (room versions 2-11) and v2.1 (room version 12): the state before an event with several prev_events.
import { compareCodePoints } from "../canonical-json";
import { type RoomEvent, stateKeyString } from "../pdu";
import { err, ok, type Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import { authDifference } from "./auth-difference";
import { conflictedSubgraph } from "./conflicted-subgraph";
import { splitConflicted } from "./conflicted-split";
import { authClosure, type EventGraph, loadEventGraph } from "./event-graph";
import { type Authorize, iterativeAuthChecks } from "./iterative-auth-checks";
import { mainlineOrdering } from "./mainline-ordering";
import { isPowerEvent } from "./power-event";
import { reverseTopologicalPowerOrdering } from "./power-ordering";
import { invalidStateEntry, type StateResError, unsupportedAlgorithm } from "./state-res-error";

export interface ResolveStateOptions {
  /** Events rejected on receipt; they are never used as auth events during the iterative checks. */
  readonly isRejected?: (eventId: string) => boolean;
  /** Replaces the auth rules; for tests of the algorithm's own steps. */
  readonly authorize?: Authorize;
}

const POWER_LEVELS_KEY = stateKeyString("m.room.power_levels", "");

/**
 * Resolves state maps keyed by stateKeyString(type, state_key) to event IDs. `fetch` must supply
 * every event in the maps and in their auth chains; a missing one is an error, never skipped.
 * The result does not depend on the order of `stateSets` or of their entries.
 */
export function resolveState(
  rules: RoomVersionRules,
  stateSets: readonly ReadonlyMap<string, string>[],
  fetch: (eventId: string) => RoomEvent | undefined,
  options: ResolveStateOptions = {},
): Result<Map<string, string>, StateResError> {
  if (rules.stateResolution === "v1") return err(unsupportedAlgorithm(rules.id, rules.stateResolution));
  const { unconflicted, conflicted } = splitConflicted(stateSets);
  // Identical maps have identical auth chains, so nothing is conflicted and nothing needs fetching.
  if (conflicted.size === 0) return ok(sortedByKey(unconflicted));

  const roots = new Set<string>();
  for (const stateSet of stateSets) for (const id of stateSet.values()) roots.add(id);
  const loaded = loadEventGraph(rules, roots, fetch);
  if (!loaded.ok) return loaded;
  const graph = loaded.value;
  const invalid = checkStateEntries(graph, stateSets);
  if (invalid !== undefined) return err(invalid);

  const fullConflicted = new Set([...conflicted, ...authDifference(graph, stateSets)]);
  if (rules.stateResolution === "v2.1") for (const id of conflictedSubgraph(graph, conflicted)) fullConflicted.add(id);

  // Step 1: the power events and the parts of their auth chains that are in the full conflicted set.
  const powerSet = new Set<string>();
  for (const id of fullConflicted) {
    if (!isPowerEvent(graph.event(id))) continue;
    powerSet.add(id);
    for (const ancestor of authClosure(graph, [id])) if (fullConflicted.has(ancestor)) powerSet.add(ancestor);
  }
  const powerOrdered = reverseTopologicalPowerOrdering(rules, graph, powerSet);

  // Step 2: v2 replays over the unconflicted state; v2.1 starts empty and leans on each event's auth events.
  const isRejected = options.isRejected ?? (() => false);
  const initial = rules.stateResolution === "v2.1" ? new Map<string, string>() : unconflicted;
  const partial = iterativeAuthChecks(rules, graph, initial, powerOrdered, isRejected, options.authorize);

  // Steps 3 and 4: everything else, in mainline order of the partially resolved power levels.
  const rest = [...fullConflicted].filter((id) => !powerSet.has(id));
  const restOrdered = mainlineOrdering(graph, partial.get(POWER_LEVELS_KEY), rest);
  const resolved = iterativeAuthChecks(rules, graph, partial, restOrdered, isRejected, options.authorize);

  // Step 5: the unconflicted state map wins wherever it has an entry.
  for (const [key, id] of unconflicted) resolved.set(key, id);
  return ok(sortedByKey(resolved));
}

/** A value must be a state event whose own (type, state_key) is the key it is filed under. */
function checkStateEntries(
  graph: EventGraph,
  stateSets: readonly ReadonlyMap<string, string>[],
): StateResError | undefined {
  const entries = stateSets.flatMap((s) => [...s]).sort(([a], [b]) => compareCodePoints(a, b));
  for (const [key, id] of entries) {
    const { type, state_key: stateKey } = graph.event(id).pdu;
    if (stateKey === undefined) return invalidStateEntry(id, `${id} is not a state event`);
    if (stateKeyString(type, stateKey) !== key) return invalidStateEntry(id, `${id} is filed under the wrong key`);
  }
  return undefined;
}

/** Insertion order is observable on a Map, so fix it too. */
function sortedByKey(state: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...state].sort(([a], [b]) => compareCodePoints(a, b)));
}
