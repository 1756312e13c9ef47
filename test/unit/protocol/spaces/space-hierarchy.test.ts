// The space walk: child validity, the spec's ordering example, depth-first order, loops, depth and suggested_only.
import { describe, expect, it } from "vitest";
import { orderChildren, walkHierarchy, type HierarchyNode, type SpaceChildEvent } from "../../../../src/protocol/spaces/space-hierarchy";

const child = (id: string, ts: number, content: SpaceChildEvent["content"] = {}): SpaceChildEvent => ({
  state_key: id,
  sender: "@a:x",
  origin_server_ts: ts,
  content: { via: ["x"], ...content },
});
const node = (children: SpaceChildEvent[], accessible = true): HierarchyNode => ({ accessible, children });

describe("orderChildren", () => {
  it("orders the spec's example: valid order first, then timestamps, then room IDs", () => {
    const ordered = orderChildren([
      child("!b:example.org", 1640341000000, { order: " " }),
      child("!a:example.org", 1640141000000, { order: "aaaa" }),
      child("!c:example.org", 1640841000000, { order: "first" }),
      child("!e:example.org", 1640641000000),
      child("!d:example.org", 1640741000000),
    ]);
    expect(ordered.map((c) => c.state_key)).toEqual(["!b:example.org", "!a:example.org", "!c:example.org", "!e:example.org", "!d:example.org"]);
  });

  it("treats an order out of range as absent and breaks ties by timestamp then room ID", () => {
    const ordered = orderChildren([child("!z:x", 1, { order: "\u00e9" }), child("!y:x", 5, { order: "m" }), child("!x:x", 5, { order: "m" }), child("!w:x", 0, { order: "a".repeat(51) })]);
    expect(ordered.map((c) => c.state_key)).toEqual(["!x:x", "!y:x", "!w:x", "!z:x"]);
  });
});

describe("walkHierarchy", () => {
  const nodes = new Map<string, HierarchyNode>([
    ["!root", node([child("!room1", 1), child("!sub", 2, { suggested: true }), child("!hidden", 3), child("!gone", 4, { via: [] })])],
    ["!sub", node([child("!room2", 1), child("!root", 2)])],
    ["!room1", node([])],
    ["!room2", node([])],
    ["!hidden", node([child("!room3", 1)], false)],
    ["!room3", node([])],
    ["!gone", node([])],
  ]);

  it("lists depth first, skips inaccessible rooms and invalid children, and cuts loops", () => {
    expect(walkHierarchy("!root", nodes, { suggestedOnly: false, maxDepth: 10 })).toEqual(["!root", "!room1", "!sub", "!room2"]);
  });

  it("stops at max_depth and follows only suggested children when asked", () => {
    expect(walkHierarchy("!root", nodes, { suggestedOnly: false, maxDepth: 1 })).toEqual(["!root", "!room1", "!sub"]);
    expect(walkHierarchy("!root", nodes, { suggestedOnly: false, maxDepth: 0 })).toEqual(["!root"]);
    expect(walkHierarchy("!root", nodes, { suggestedOnly: true, maxDepth: 10 })).toEqual(["!root", "!sub"]);
  });

  it("lists nothing for an unknown or inaccessible root", () => {
    expect(walkHierarchy("!nope", nodes, { suggestedOnly: false, maxDepth: 10 })).toEqual([]);
    expect(walkHierarchy("!hidden", nodes, { suggestedOnly: false, maxDepth: 10 })).toEqual([]);
  });
});
