import { describe, expect, it } from "vitest";
import { mainline, mainlineOrdering } from "../../../../src/protocol/state-res/mainline-ordering";
import { ALICE, powerContent } from "../../../support/state-res-room";
import { graphOf, orders } from "../../../support/state-res-graph";

const pl = (auth: string[]) => ({ type: "m.room.power_levels", auth: ["CR", ...auth], content: powerContent({ [ALICE]: 100 }) });

describe("mainline ordering", () => {
  // The mainline of P0 is [P0, P1, P2]; Q is a power levels event off the mainline, based on P1.
  const { graph } = graphOf({
    CR: { type: "m.room.create", content: { creator: ALICE } },
    P2: pl([]),
    P1: pl(["P2"]),
    P0: pl(["P1"]),
    Q: pl(["P1"]),
    onP2: { ts: 100, auth: ["CR", "P2"] },
    onP1: { ts: 5, auth: ["CR", "P1"] },
    onQ: { ts: 4, auth: ["CR", "Q"] },
    onP0: { ts: 1, auth: ["CR", "P0"] },
    none: { ts: 200, auth: ["CR"] },
    tieA: { ts: 7, auth: ["CR", "P1"] },
    tieB: { ts: 7, auth: ["CR", "P1"] },
  });

  it("walks power levels events through auth_events", () => {
    expect(mainline(graph, "P0")).toEqual(["P0", "P1", "P2"]);
    expect(mainline(graph, undefined)).toEqual([]);
  });

  it("sorts by greater mainline position first, then origin_server_ts, then event ID", () => {
    for (const ids of orders(["onP0", "tieB", "onQ", "none", "onP1", "tieA", "onP2"])) {
      // none: no power levels ancestry (infinite position); onP2: 2; onQ, onP1, tieA, tieB: 1 (Q reaches P1); onP0: 0.
      expect(mainlineOrdering(graph, "P0", ids)).toEqual(["none", "onP2", "onQ", "onP1", "tieA", "tieB", "onP0"]);
    }
  });

  it("does not count the event itself, only the power levels events it is based on", () => {
    // P1's own position would be 1, but it is based on P2, position 2. P0 is based on P1, so it ties
    // with onP1 at position 1 and goes first on its earlier timestamp (0 against 5).
    expect(mainlineOrdering(graph, "P0", ["P0", "onP1", "P1"])).toEqual(["P1", "P0", "onP1"]);
  });

  it("falls back to timestamps and IDs when there is no resolved power levels event", () => {
    for (const ids of orders(["onP2", "tieB", "tieA", "onP0"])) {
      expect(mainlineOrdering(graph, undefined, ids)).toEqual(["onP0", "tieA", "tieB", "onP2"]);
    }
  });
});
