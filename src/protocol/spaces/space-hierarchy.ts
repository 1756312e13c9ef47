// The space tree walk of GET /hierarchy (spec "Spaces"): valid children, their order, and the depth-first visit order.
import { isJsonObject, type JsonObject } from "../json-value";

/** An `m.space.child` state event of a space, as the walk needs it. */
export interface SpaceChildEvent {
  readonly state_key: string;
  readonly sender: string;
  readonly origin_server_ts: number;
  readonly content: JsonObject;
}

/** A child counts only while its `via` is a non-empty list (spec: omitting `via` removes the child). */
export function isValidChild(event: SpaceChildEvent): boolean {
  const via = event.content["via"];
  return Array.isArray(via) && via.length > 0;
}

/** `order` is valid when a string of at most 50 characters in the printable ASCII range \x20-\x7E. */
export function validOrder(content: JsonObject): string | undefined {
  const order = content["order"];
  return typeof order === "string" && order.length <= 50 && /^[\x20-\x7E]*$/.test(order) ? order : undefined;
}

const compareCodePoints = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Children in the spec's order: those with a valid `order` first, by `order`; then the rest; ties
 * (and the rest) by the child event's `origin_server_ts`, then by room ID.
 */
export function orderChildren<T extends SpaceChildEvent>(children: readonly T[]): T[] {
  return [...children].sort((a, b) => {
    const oa = validOrder(a.content);
    const ob = validOrder(b.content);
    if (oa !== undefined && ob === undefined) return -1;
    if (oa === undefined && ob !== undefined) return 1;
    if (oa !== undefined && ob !== undefined && oa !== ob) return compareCodePoints(oa, ob);
    if (a.origin_server_ts !== b.origin_server_ts) return a.origin_server_ts - b.origin_server_ts;
    return compareCodePoints(a.state_key, b.state_key);
  });
}

export const isSuggested = (event: SpaceChildEvent): boolean => event.content["suggested"] === true;

/** One room the walk may show: whether the user may see it, and its valid children in order. */
export interface HierarchyNode {
  readonly accessible: boolean;
  readonly children: readonly SpaceChildEvent[];
}

export interface WalkOptions {
  readonly suggestedOnly: boolean;
  /** Children of rooms at this depth are not followed (the root is depth 0). */
  readonly maxDepth: number;
}

/** The children the walk follows from a room: valid, ordered, and suggested when asked. */
export function followedChildren(node: HierarchyNode, options: WalkOptions): SpaceChildEvent[] {
  return orderChildren(node.children.filter((c) => isValidChild(c) && (!options.suggestedOnly || isSuggested(c))));
}

/**
 * The rooms in the order the response lists them: depth first from the root, a space's children
 * visited before its later siblings. A room is listed once (loops and repeats are cut), only if
 * accessible and known (`nodes` has it); children of an inaccessible room are not followed.
 */
export function walkHierarchy(rootId: string, nodes: ReadonlyMap<string, HierarchyNode>, options: WalkOptions): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack: { readonly roomId: string; readonly depth: number }[] = [{ roomId: rootId, depth: 0 }];
  while (stack.length > 0) {
    const { roomId, depth } = stack.pop()!;
    if (seen.has(roomId)) continue;
    seen.add(roomId);
    const node = nodes.get(roomId);
    if (node === undefined || !node.accessible) continue;
    out.push(roomId);
    if (depth >= options.maxDepth) continue;
    const children = followedChildren(node, options);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ roomId: children[i]!.state_key, depth: depth + 1 });
  }
  return out;
}

/** The stripped `children_state` entry of a child event. */
export const strippedChild = (event: SpaceChildEvent): JsonObject => ({
  type: "m.space.child",
  state_key: event.state_key,
  content: event.content,
  sender: event.sender,
  origin_server_ts: event.origin_server_ts,
});

export const contentOf = (pdu: JsonObject): JsonObject => (isJsonObject(pdu["content"]) ? pdu["content"] : {});
