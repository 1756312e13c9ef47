// Bare auth DAGs of hand-named events for testing the graph steps of state resolution one at a time.
import type { JsonObject } from "../../src/protocol/json-value";
import type { RoomEvent } from "../../src/protocol/pdu";
import { roomVersionRules, type RoomVersionRules } from "../../src/protocol/room-versions";
import { type EventGraph, loadEventGraph } from "../../src/protocol/state-res/event-graph";
import { makeEvent } from "./events";
import { seededRandom, shuffled } from "./state-res-shuffle";

export interface NodeSpec {
  readonly type?: string;
  readonly stateKey?: string;
  readonly sender?: string;
  readonly content?: JsonObject;
  readonly ts?: number;
  readonly auth?: readonly string[];
}

export const RULES_V11: RoomVersionRules = roomVersionRules("11") as RoomVersionRules;

/** Builds events named by the keys of `nodes` (a topic by @alice unless told) and loads their graph. */
export function graphOf(
  nodes: Readonly<Record<string, NodeSpec>>,
  rules: RoomVersionRules = RULES_V11,
): { graph: EventGraph; events: Map<string, RoomEvent> } {
  const events = new Map<string, RoomEvent>();
  for (const [id, spec] of Object.entries(nodes)) {
    events.set(
      id,
      makeEvent({
        id,
        type: spec.type ?? "m.room.topic",
        sender: spec.sender ?? "@alice:a.example",
        stateKey: spec.stateKey ?? "",
        content: spec.content ?? {},
        authEvents: spec.auth ?? [],
        ts: spec.ts ?? 0,
      }),
    );
  }
  const loaded = loadEventGraph(rules, events.keys(), (id) => events.get(id));
  if (!loaded.ok) throw new Error(loaded.error.reason);
  return { graph: loaded.value, events };
}

/** `items` in each seeded order, for feeding a step the same set built in different insertion orders. */
export function orders<T>(items: readonly T[], seeds: readonly number[] = [1, 2, 3, 4, 5]): T[][] {
  return [items.slice(), ...seeds.map((seed) => shuffled(items, seededRandom(seed)))];
}
