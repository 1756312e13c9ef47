import { describe, expect, it } from "vitest";
import type { RoomVersionRules } from "../../../../src/protocol/room-versions";
import { reverseTopologicalPowerOrdering } from "../../../../src/protocol/state-res/power-ordering";
import { senderPowerLevel } from "../../../../src/protocol/state-res/sender-power-level";
import { ALICE, BOB, CAROL, powerContent, StateResRoom, standardStart } from "../../../support/state-res-room";
import { graphOf, orders, RULES_V11 } from "../../../support/state-res-graph";
import { loadEventGraph } from "../../../../src/protocol/state-res/event-graph";

const CREATE = { type: "m.room.create", sender: ALICE, content: { creator: ALICE } };
const PL = (users: Record<string, number | string>) => ({
  type: "m.room.power_levels",
  auth: ["CR"],
  content: powerContent(users),
});

const order = (rules: RoomVersionRules, nodes: Parameters<typeof graphOf>[0], set: readonly string[]) => {
  const { graph } = graphOf(nodes, rules);
  const results = orders(set).map((ids) => reverseTopologicalPowerOrdering(rules, graph, new Set(ids)));
  for (const r of results) expect(r).toEqual(results[0]);
  return results[0];
};

describe("reverse topological power ordering", () => {
  const nodes = {
    CR: CREATE,
    PL: PL({ [ALICE]: 100, [BOB]: 50 }),
    a1: { sender: ALICE, ts: 30, auth: ["CR", "PL"] },
    b1: { sender: BOB, ts: 10, auth: ["CR", "PL"] },
    c1: { sender: CAROL, ts: 5, auth: ["CR", "PL"] },
    c2: { sender: CAROL, ts: 5, auth: ["CR", "PL"] },
    c3: { sender: CAROL, ts: 1, auth: ["CR", "PL"] },
  };

  it("puts the sender with greater power first, then the earlier origin_server_ts, then the smaller event ID", () => {
    expect(order(RULES_V11, nodes, ["c2", "c1", "b1", "a1", "c3"])).toEqual(["a1", "b1", "c3", "c1", "c2"]);
  });

  it("never puts an event before one in its auth chain, however powerful its sender", () => {
    const deps = {
      ...nodes,
      lowRoot: { sender: CAROL, ts: 50, auth: ["CR", "PL"] },
      high: { sender: ALICE, ts: 1, auth: ["CR", "PL", "lowRoot"] },
      // mid is not in the set: high2 must still wait for lowRoot2, two steps down its auth chain.
      lowRoot2: { sender: CAROL, ts: 60, auth: ["CR", "PL"] },
      mid: { sender: CAROL, ts: 61, auth: ["CR", "PL", "lowRoot2"] },
      high2: { sender: ALICE, ts: 2, auth: ["CR", "PL", "mid"] },
    };
    expect(order(RULES_V11, deps, ["high", "lowRoot", "b1", "high2", "lowRoot2"])).toEqual([
      "b1",
      "lowRoot",
      "high",
      "lowRoot2",
      "high2",
    ]);
  });

  it("reads each sender's level from the power levels among its own auth events", () => {
    const twoPls = {
      CR: CREATE,
      PL1: PL({ [ALICE]: 100, [BOB]: 10 }),
      PL2: { ...PL({ [ALICE]: 100, [BOB]: 90 }), auth: ["CR", "PL1"] },
      early: { sender: BOB, ts: 1, auth: ["CR", "PL1"] },
      late: { sender: BOB, ts: 2, auth: ["CR", "PL2"] },
    };
    // Bob has 90 at "late" and only 10 at "early", so "late" sorts first despite its timestamp.
    expect(order(RULES_V11, twoPls, ["early", "late"])).toEqual(["late", "early"]);
  });
});

describe("sender power level", () => {
  it("gives the creator 100 and others 0 without a power levels event, and users_default otherwise", () => {
    const { graph } = graphOf({
      CR: CREATE,
      PL: { ...PL({ [BOB]: 7 }), content: { users: { [BOB]: 7 }, users_default: 3 } },
      byCreator: { sender: ALICE, auth: ["CR"] },
      byOther: { sender: BOB, auth: ["CR"] },
      listed: { sender: BOB, auth: ["CR", "PL"] },
      unlisted: { sender: CAROL, auth: ["CR", "PL"] },
    }, RULES_V11);
    expect(senderPowerLevel(RULES_V11, graph, "byCreator")).toBe(100);
    expect(senderPowerLevel(RULES_V11, graph, "byOther")).toBe(0);
    expect(senderPowerLevel(RULES_V11, graph, "listed")).toBe(7);
    expect(senderPowerLevel(RULES_V11, graph, "unlisted")).toBe(3);
  });

  it("accepts string levels before room version 10", () => {
    const room = new StateResRoom("5");
    const base = standardStart(room, { [BOB]: "75" }, [BOB]);
    room.topic("$T", base, BOB, "hi");
    const loaded = loadEventGraph(room.rules, ["$T"], room.fetch);
    if (!loaded.ok) throw new Error(loaded.error.reason);
    expect(senderPowerLevel(room.rules, loaded.value, "$T")).toBe(75);
  });

  it("ranks v12 creators, additional creators included, above any level", () => {
    const room = new StateResRoom("12", ALICE, { additional_creators: [CAROL] });
    const base = standardStart(room, { [BOB]: 100 }, [BOB, CAROL]);
    room.topic("$TA", base, ALICE, "a", 50);
    room.topic("$TB", base, BOB, "b", 10);
    room.topic("$TC", base, CAROL, "c", 40);
    const loaded = loadEventGraph(room.rules, ["$TA", "$TB", "$TC"], room.fetch);
    if (!loaded.ok) throw new Error(loaded.error.reason);
    expect(senderPowerLevel(room.rules, loaded.value, "$TA")).toBe(Number.POSITIVE_INFINITY);
    expect(senderPowerLevel(room.rules, loaded.value, "$TB")).toBe(100);
    for (const ids of orders(["$TA", "$TB", "$TC"])) {
      expect(reverseTopologicalPowerOrdering(room.rules, loaded.value, new Set(ids))).toEqual(["$TC", "$TA", "$TB"]);
    }
  });
});
