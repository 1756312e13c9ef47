import { describe, expect, it } from "vitest";
import { conflictedSubgraph } from "../../../../src/protocol/state-res/conflicted-subgraph";
import { graphOf, orders } from "../../../support/state-res-graph";

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("conflicted state subgraph (v2.1)", () => {
  // C2 <- Y <- X <- C1 (C1 cites X, ...), a side branch Z under C1 that leads to no conflicted event,
  // W citing C2 but reachable from no conflicted event, and R under C2, the root of everything.
  const { graph } = graphOf({
    R: {},
    C2: { auth: ["R"] },
    Y: { auth: ["C2"] },
    X: { auth: ["Y", "R"] },
    Z: { auth: ["R"] },
    C1: { auth: ["X", "Z"] },
    W: { auth: ["C2"] },
    C3: { auth: ["R"] },
  });

  it("holds exactly the events on auth paths between conflicted events, endpoints included", () => {
    for (const conflicted of orders(["C1", "C2", "C3"])) {
      expect(sorted(conflictedSubgraph(graph, new Set(conflicted)))).toEqual(["C1", "C2", "C3", "X", "Y"]);
    }
  });

  it("holds only the conflicted events when no path joins them", () => {
    expect(sorted(conflictedSubgraph(graph, new Set(["C2", "C3"])))).toEqual(["C2", "C3"]);
    expect(sorted(conflictedSubgraph(graph, new Set(["Z", "W"])))).toEqual(["W", "Z"]);
  });

  it("follows paths through several conflicted events", () => {
    expect(sorted(conflictedSubgraph(graph, new Set(["C1", "X", "R"])))).toEqual(["C1", "C2", "R", "X", "Y", "Z"]);
  });
});
