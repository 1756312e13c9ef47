import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { stateKeyString } from "../../../../src/protocol/pdu";
import { resolveShuffled } from "../../../support/state-res-shuffle";
import { ALICE, BOB, CAROL, StateResRoom, type StateMap, standardStart } from "../../../support/state-res-room";

const key = stateKeyString;
const PL = key("m.room.power_levels", "");
const JR = key("m.room.join_rules", "");
const TOPIC = key("m.room.topic", "");
const NAME = key("m.room.name", "");
const member = (user: string) => key("m.room.member", user);

/** Room versions 2 to 11 resolve with v2, 12 with v2.1; all of these cases come out the same under both. */
const VERSIONS = ["2", "6", "10", "11", "12"] as const;

function resolveForks(room: StateResRoom, forks: readonly (string | StateMap)[]): Map<string, string> {
  const sets = forks.map((f) => (typeof f === "string" ? room.state(f) : f));
  const result = resolveShuffled(room.rules, sets, room.fetch);
  if (!result.ok) throw new Error(`resolution failed: ${result.error.reason}`);
  return result.value;
}

/** The creator's entry in power levels content, which v12 forbids (creators have infinite power there). */
const creatorLevel = (room: StateResRoom): JsonObject => (room.rules.privilegedCreators ? {} : { [ALICE]: 100 });

describe.each(VERSIONS)("state resolution in room version %s", (version) => {
  it("applies a ban before the banned user's concurrent power levels change, which then fails", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    const ban = room.member("$BAN", base, ALICE, BOB, "ban");
    const bobPower = room.power("$BOBPL", base, BOB, { ...creatorLevel(room), [BOB]: 50, [CAROL]: 50 });
    const state = resolveForks(room, [ban, bobPower]);
    expect(state.get(member(BOB))).toBe("$BAN");
    expect(state.get(PL)).toBe("$IPOWER");
  });

  it("applies a demotion before the demoted moderator's concurrent ban, which then fails", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB, CAROL]);
    const demote = room.power("$DEMOTE", base, ALICE, creatorLevel(room));
    const ban = room.member("$BAN", base, BOB, CAROL, "ban");
    const state = resolveForks(room, [demote, ban]);
    expect(state.get(PL)).toBe("$DEMOTE");
    expect(state.get(member(CAROL))).toBe("$IM1");
  });

  it("drops a topic set by a moderator who was concurrently demoted, keeping the earlier topic", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    const t1 = room.topic("$T1", base, ALICE, "first");
    const t2 = room.topic("$T2", t1, BOB, "bob's");
    const demote = room.power("$DEMOTE", t1, ALICE, creatorLevel(room));
    const state = resolveForks(room, [t2, demote]);
    expect(state.get(TOPIC)).toBe("$T1");
    expect(state.get(PL)).toBe("$DEMOTE");
  });

  it("resolves concurrent topics at the same mainline position by origin_server_ts, then event ID", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    room.topic("$TA", base, ALICE, "a", 100);
    room.topic("$TB", base, BOB, "b", 50);
    expect(resolveForks(room, ["$TA", "$TB"]).get(TOPIC)).toBe("$TA");
    room.topic("$TC", base, BOB, "c", 150);
    expect(resolveForks(room, ["$TA", "$TC"]).get(TOPIC)).toBe("$TC");
    room.topic("$TD", base, BOB, "d", 100);
    room.topic("$TAA", base, ALICE, "aa", 100);
    // Equal timestamps: the larger event ID sorts last, so it is applied last and stays.
    expect(resolveForks(room, ["$TA", "$TD", "$TAA"]).get(TOPIC)).toBe("$TD");
  });

  it("orders topics by mainline position before timestamps", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    const pl2 = room.power("$PL2", base, ALICE, { ...creatorLevel(room), [BOB]: 50, [CAROL]: 10 }, 10);
    room.topic("$NEWER", pl2, ALICE, "based on the newer power levels", 11);
    room.topic("$OLDER", base, BOB, "based on the older power levels", 500);
    const state = resolveForks(room, ["$NEWER", "$OLDER"]);
    expect(state.get(PL)).toBe("$PL2");
    // $OLDER cites $IPOWER (position 1 on the mainline of $PL2), $NEWER cites $PL2 (position 0).
    expect(state.get(TOPIC)).toBe("$NEWER");
  });

  it("rejects a join made concurrently with a change of the join rule to invite", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, {}, [BOB]);
    const invite = room.joinRule("$INVITE", base, ALICE, "invite");
    const join = room.member("$CJOIN", base, CAROL, CAROL, "join");
    const state = resolveForks(room, [invite, join]);
    expect(state.get(JR)).toBe("$INVITE");
    expect(state.has(member(CAROL))).toBe(false);
  });

  it("applies the less powerful of two concurrent join rule changes last, so it stays", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    room.joinRule("$JRBOB", base, BOB, "invite", 5);
    room.joinRule("$JRALICE", base, ALICE, "private", 50);
    expect(resolveForks(room, ["$JRBOB", "$JRALICE"]).get(JR)).toBe("$JRBOB");
  });

  it("resolves a three-way fork", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB, CAROL]);
    const a = room.topic("$TA", base, ALICE, "alice's", 10);
    const b = room.topic("$TB", base, BOB, "bob's", 20);
    const demote = room.power("$DEMOTE", base, ALICE, creatorLevel(room), 15);
    const c = room.add("$NAME", { type: "m.room.name", sender: ALICE, stateKey: "", content: { name: "n" }, after: demote, ts: 16 });
    const state = resolveForks(room, [a, b, c]);
    expect(Object.fromEntries(state)).toEqual({
      ...Object.fromEntries(room.state(base)),
      [PL]: "$DEMOTE",
      [TOPIC]: "$TA",
      [NAME]: "$NAME",
    });
  });

  it("returns the common state when nothing conflicts, without fetching anything", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, {}, [BOB]);
    const result = resolveShuffled(room.rules, [room.state(base), new Map(room.state(base))], () => {
      throw new Error("nothing needs fetching");
    });
    expect(result.ok && Object.fromEntries(result.value)).toEqual(Object.fromEntries(room.state(base)));
  });

  it("returns a single state map, or nothing for no maps, unchanged", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, {}, [BOB]);
    const one = resolveShuffled(room.rules, [room.state(base)], room.fetch);
    expect(one.ok && Object.fromEntries(one.value)).toEqual(Object.fromEntries(room.state(base)));
    const none = resolveShuffled(room.rules, [], room.fetch);
    expect(none.ok && none.value.size).toBe(0);
  });

  it("fails closed when a state event is missing", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, {}, [BOB]);
    const t = room.topic("$T", base, ALICE, "t");
    const withGhost = new Map(room.state(base)).set(NAME, "$GHOST");
    const result = resolveShuffled(room.rules, [room.state(t), withGhost], room.fetch);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ _tag: "MissingEvent", eventId: "$GHOST" }) });
  });

  it("fails closed when an event in an auth chain is missing", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    const pl2 = room.power("$PL2", base, ALICE, { ...creatorLevel(room), [BOB]: 60 });
    const pl3 = room.power("$PL3", pl2, ALICE, { ...creatorLevel(room), [BOB]: 70 });
    const t = room.topic("$T", base, BOB, "t");
    // $PL2 is in no state map, only in the auth chain of $PL3.
    const fetch = (id: string) => (id === "$PL2" ? undefined : room.fetch(id));
    const result = resolveShuffled(room.rules, [room.state(pl3), room.state(t)], fetch);
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ _tag: "MissingEvent", eventId: "$PL2", reason: expect.stringContaining("$PL3") }),
    });
  });
});

describe("v2.1 (room version 12) against v2 (room version 11)", () => {
  /**
   * The spec's first v2.1 change: start the first iterative auth checks from an empty map. One
   * fork's state holds an outdated join rule, while both agree Alice (who set both rules) has left.
   * Replayed over the unconflicted state, where Alice is gone, both join rules fail and the room
   * loses its join rule; replayed from empty, each is checked against its own auth events.
   */
  function outdatedJoinRule(version: string, isRejected?: (id: string) => boolean) {
    const room = new StateResRoom(version);
    const base = standardStart(room, {}, [BOB], "invite");
    const open = room.joinRule("$PUBLIC", base, ALICE, "public");
    const carol = room.member("$CJOIN", open, CAROL, CAROL, "join");
    const left = room.member("$ALEFT", carol, ALICE, ALICE, "leave");
    const outdated = new Map(room.state(left)).set(JR, "$IJR");
    const result = resolveShuffled(room.rules, [room.state(left), outdated], room.fetch, isRejected ? { isRejected } : {});
    if (!result.ok) throw new Error(result.error.reason);
    return result.value;
  }

  it("starts from an empty state map, so an outdated fork cannot strip the join rule", () => {
    expect(outdatedJoinRule("11").has(JR)).toBe(false);
    expect(outdatedJoinRule("12").get(JR)).toBe("$PUBLIC");
  });

  it("does not lean on a rejected auth event when the state lacks the key", () => {
    // Were Alice's join rejected, the join rules could not borrow her membership from their auth events.
    expect(outdatedJoinRule("12", (id) => id === "$IMA").has(JR)).toBe(false);
  });

  /**
   * The second change: the conflicted state subgraph. Alice promotes Bob ($BOBUP), then Bob promotes
   * Carol ($CAROLUP). One fork's state holds the original power levels although its other events
   * cite the newest ones, so both auth chains contain $BOBUP and the auth difference misses it.
   * Without it, $CAROLUP is checked against power levels where Bob has no power and fails.
   */
  function outdatedPowerLevels(version: string) {
    const room = new StateResRoom(version);
    const base = standardStart(room, {}, [BOB, CAROL]);
    const bobUp = room.power("$BOBUP", base, ALICE, { ...creatorLevel(room), [BOB]: 50 });
    const carolUp = room.power("$CAROLUP", bobUp, BOB, { ...creatorLevel(room), [BOB]: 50, [CAROL]: 50 });
    const topic = room.topic("$CTOPIC", carolUp, CAROL, "carol's");
    const outdated = new Map(room.state(topic)).set(PL, "$IPOWER");
    return resolveForks(room, [topic, outdated]);
  }

  it("replays the events between conflicted events, so a chain of promotions survives", () => {
    expect(outdatedPowerLevels("11").get(PL)).toBe("$IPOWER");
    expect(outdatedPowerLevels("12").get(PL)).toBe("$CAROLUP");
  });
});

describe("invalid input", () => {
  it("refuses room version 1, whose algorithm is not v2", () => {
    const room = new StateResRoom("2");
    const result = resolveShuffled({ ...room.rules, id: "1", stateResolution: "v1" }, [new Map([["a", "$x"]]), new Map()], room.fetch);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ _tag: "UnsupportedAlgorithm" }) });
  });

  it("rejects an event filed under another key", () => {
    const room = new StateResRoom("11");
    const base = standardStart(room, {}, [BOB]);
    const t = room.topic("$T", base, ALICE, "t");
    const misfiled = new Map(room.state(base)).set(NAME, "$T");
    const result = resolveShuffled(room.rules, [room.state(t), misfiled], room.fetch);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ _tag: "InvalidStateEntry", eventId: "$T" }) });
  });

  it("rejects an auth graph with a cycle", () => {
    const room = new StateResRoom("11");
    const base = standardStart(room, {}, [BOB]);
    room.add("$LOOPA", { type: "m.room.topic", sender: ALICE, stateKey: "", content: {}, after: base, authEvents: ["$LOOPB"] });
    room.add("$LOOPB", { type: "m.room.name", sender: ALICE, stateKey: "", content: {}, after: base, authEvents: ["$LOOPA"] });
    const result = resolveShuffled(room.rules, [room.state("$LOOPA"), room.state("$LOOPB")], room.fetch);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ _tag: "AuthCycle" }) });
  });

  it("rejects events from another room", () => {
    const room = new StateResRoom("11");
    const other = new StateResRoom("11");
    const base = standardStart(room, {}, [BOB]);
    const t = room.topic("$T", base, ALICE, "t");
    const stray = { ...(room.fetch("$T") as NonNullable<ReturnType<typeof room.fetch>>), eventId: "$STRAY" };
    const fetch = (id: string) =>
      id === "$STRAY" ? { eventId: id, pdu: { ...stray.pdu, room_id: "!elsewhere:d.example" } } : room.fetch(id) ?? other.fetch(id);
    const result = resolveShuffled(room.rules, [room.state(t), new Map(room.state(base)).set(TOPIC, "$STRAY")], fetch);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ _tag: "WrongRoom", eventId: "$STRAY" }) });
  });
});
