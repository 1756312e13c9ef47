import { describe, expect, it } from "vitest";
import { authDifference } from "../../../../src/protocol/state-res/auth-difference";
import { graphOf, orders } from "../../../support/state-res-graph";

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("auth difference", () => {
  // A <- B <- C and A <- D, where X <- Y means Y cites X in auth_events.
  const { graph } = graphOf({
    A: {},
    B: { auth: ["A"] },
    C: { auth: ["B"] },
    D: { auth: ["A"] },
    E: { auth: ["B", "D"] },
  });

  it("is the union of the state maps' auth chains minus their intersection", () => {
    const s1 = new Map([["k", "C"]]); // chain {A, B}
    const s2 = new Map([["k", "D"]]); // chain {A}
    const s3 = new Map([["k", "E"]]); // chain {A, B, D}
    for (const sets of orders([s1, s2, s3])) expect(sorted(authDifference(graph, sets))).toEqual(["B", "D"]);
    for (const sets of orders([s1, s3])) expect(sorted(authDifference(graph, sets))).toEqual(["D"]);
  });

  it("counts a state event as in its map's chain only when another event of that map cites it", () => {
    // An event's auth chain does not contain the event itself: B is in the first map's chain only through C.
    const s1 = new Map([["x", "B"], ["y", "C"]]);
    const s2 = new Map([["x", "B"], ["y", "D"]]);
    for (const sets of orders([s1, s2])) expect(sorted(authDifference(graph, sets))).toEqual(["B"]);
  });

  it("is empty for maps with the same auth chains", () => {
    const s1 = new Map([["k", "C"]]);
    expect(authDifference(graph, [s1, new Map([["k", "C"], ["j", "B"]])]).size).toBe(0);
  });
});
