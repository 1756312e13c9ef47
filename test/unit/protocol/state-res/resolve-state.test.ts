import { describe, expect, it } from "vitest";
import { stateKeyString } from "../../../../src/protocol/pdu";
import { resolveShuffled } from "../../../support/state-res-shuffle";
import { ALICE, BOB, CAROL, StateResRoom, standardStart } from "../../../support/state-res-room";

const key = stateKeyString;
const VERSIONS = ["10", "11", "12"] as const;

const resolved = (room: StateResRoom, ...forks: string[]) => {
  const result = resolveShuffled(room.rules, forks.map((f) => room.state(f)), room.fetch);
  if (!result.ok) throw new Error(`resolution failed: ${result.error.reason}`);
  return result.value;
};

describe.each(VERSIONS)("state resolution in room version %s", (version) => {
  it("a ban wins over the banned user's concurrent power levels change", () => {
    const room = new StateResRoom(version);
    const base = standardStart(room, { [BOB]: 50 }, [BOB]);
    const ban = room.member("$BAN", base, ALICE, BOB, "ban");
    const bobPower = room.power("$BOBPL", base, BOB, { ...(room.rules.privilegedCreators ? {} : { [ALICE]: 100 }), [BOB]: 50, [CAROL]: 50 });
    const state = resolved(room, ban, bobPower);
    expect(state.get(key("m.room.member", BOB))).toBe("$BAN");
    expect(state.get(key("m.room.power_levels", ""))).toBe("$IPOWER");
  });
});
