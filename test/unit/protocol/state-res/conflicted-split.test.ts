import { describe, expect, it } from "vitest";
import { splitConflicted } from "../../../../src/protocol/state-res/conflicted-split";
import { orders } from "../../../support/state-res-graph";

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("unconflicted state map and conflicted state set", () => {
  const s1 = new Map([["create", "$c"], ["topic", "$t1"], ["name", "$n"], ["member", "$m"]]);
  const s2 = new Map([["create", "$c"], ["topic", "$t2"], ["name", "$n"]]);
  const s3 = new Map([["create", "$c"], ["topic", "$t1"], ["name", "$n"], ["member", "$m"]]);

  it("keeps a key in the unconflicted map only when every map has it with the same event", () => {
    for (const sets of orders([s1, s2, s3])) {
      const { unconflicted, conflicted } = splitConflicted(sets);
      expect(Object.fromEntries([...unconflicted].sort())).toEqual({ create: "$c", name: "$n" });
      // Both topics conflict (one map differs); the member entry conflicts because one map lacks it.
      expect(sorted(conflicted)).toEqual(["$m", "$t1", "$t2"]);
    }
  });

  it("has nothing conflicted for identical maps or a single map", () => {
    expect(splitConflicted([s1, new Map(s1)]).conflicted.size).toBe(0);
    expect(splitConflicted([s2]).unconflicted).toEqual(s2);
    expect(splitConflicted([]).unconflicted.size).toBe(0);
  });
});
