import { describe, expect, it } from "vitest";
import type { StateLookup } from "../../../../src/protocol/auth/auth-types";
import { stateKeyString } from "../../../../src/protocol/pdu";
import { ok } from "../../../../src/protocol/result";
import { loadEventGraph } from "../../../../src/protocol/state-res/event-graph";
import { type Authorize, iterativeAuthChecks } from "../../../../src/protocol/state-res/iterative-auth-checks";
import { ALICE, BOB, StateResRoom, standardStart } from "../../../support/state-res-room";

const key = stateKeyString;

function load(room: StateResRoom, ids: string[]) {
  const loaded = loadEventGraph(room.rules, ids, room.fetch);
  if (!loaded.ok) throw new Error(loaded.error.reason);
  return loaded.value;
}

/** An authorize that allows everything and records what each lookup answered. */
function recording(queries: Array<readonly [string, string, string | undefined]>, asked: Array<readonly [string, string]>): Authorize {
  return (_rules, event, state: StateLookup) => {
    for (const [type, stateKey] of asked) queries.push([event.eventId, `${type}|${stateKey}`, state(type, stateKey)?.eventId]);
    return ok(undefined);
  };
}

describe("iterative auth checks", () => {
  it("looks keys up in the state being built first, then in the event's own auth events", () => {
    const room = new StateResRoom("11");
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    const pl2 = room.power("$PL2", base, ALICE, { [ALICE]: 100, [BOB]: 60 });
    room.topic("$T", pl2, BOB, "t");
    const graph = load(room, ["$T"]);
    const queries: Array<readonly [string, string, string | undefined]> = [];
    const asked = [["m.room.power_levels", ""], ["m.room.member", BOB], ["m.room.create", ""], ["m.room.name", ""]] as const;
    const initial = new Map([[key("m.room.power_levels", ""), "$IPOWER"]]);
    const state = iterativeAuthChecks(room.rules, graph, initial, ["$T"], () => false, recording(queries, [...asked]));
    expect(queries).toEqual([
      ["$T", "m.room.power_levels|", "$IPOWER"], // the state's entry beats the cited $PL2
      ["$T", `m.room.member|${BOB}`, "$IM0"], // absent from the state: the auth event
      ["$T", "m.room.create|", "$CREATE"],
      ["$T", "m.room.name|", undefined],
    ]);
    expect(state.get(key("m.room.topic", ""))).toBe("$T");
  });

  it("does not use rejected auth events", () => {
    const room = new StateResRoom("11");
    const base = standardStart(room, {}, [BOB]);
    room.topic("$T", base, BOB, "t");
    const graph = load(room, ["$T"]);
    const queries: Array<readonly [string, string, string | undefined]> = [];
    iterativeAuthChecks(room.rules, graph, new Map(), ["$T"], (id) => id === "$IM0", recording(queries, [["m.room.member", BOB]]));
    expect(queries).toEqual([["$T", `m.room.member|${BOB}`, undefined]]);
  });

  it("finds the v12 create event through the room ID, as it is never an auth event there", () => {
    const room = new StateResRoom("12");
    const base = standardStart(room, {}, [BOB]);
    room.topic("$T", base, BOB, "t");
    expect(room.fetch("$T")?.pdu.auth_events).not.toContain("$CREATE");
    const graph = load(room, ["$T"]);
    const queries: Array<readonly [string, string, string | undefined]> = [];
    iterativeAuthChecks(room.rules, graph, new Map(), ["$T"], () => false, recording(queries, [["m.room.create", ""]]));
    expect(queries).toEqual([["$T", "m.room.create|", "$CREATE"]]);
  });

  it("applies events the auth rules allow, in order, and ignores the rest", () => {
    const room = new StateResRoom("11");
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    const t1 = room.topic("$T1", base, BOB, "allowed");
    room.power("$DEMOTE", base, ALICE, { [ALICE]: 100 });
    room.topic("$T2", t1, BOB, "after demotion");
    const graph = load(room, ["$T1", "$T2", "$DEMOTE"]);
    const state = iterativeAuthChecks(room.rules, graph, room.state(base), ["$T1", "$DEMOTE", "$T2"], () => false);
    expect(state.get(key("m.room.topic", ""))).toBe("$T1");
    expect(state.get(key("m.room.power_levels", ""))).toBe("$DEMOTE");
  });
});
