// State map helpers: the delta between two states and the one-entry delta of a local append.
import { describe, expect, it } from "vitest";
import { parseStateKey, singleEntryDelta, stateDiff, withEntry } from "../../../src/commands/state-map";
import { stateKeyString } from "../../../src/protocol/pdu";
import { makeEvent } from "../../support/events";

const k = stateKeyString;

describe("state maps", () => {
  it("stateKeyString and parseStateKey round-trip keys with quotes, commas and brackets", () => {
    for (const [type, stateKey] of [["m.room.member", "@a:b"], ['x"],["y', ""], ["t", "[1,2]"]] as const) {
      expect(parseStateKey(k(type, stateKey))).toEqual({ type, stateKey });
    }
  });

  it("stateDiff lists new and replaced entries as added, replaced and dropped ones as removed", () => {
    const before = new Map([[k("a", ""), "$1"], [k("b", ""), "$2"], [k("c", ""), "$3"]]);
    const after = new Map([[k("a", ""), "$1"], [k("b", ""), "$4"], [k("d", ""), "$5"]]);
    expect(stateDiff(before, after)).toEqual({
      added: [{ type: "b", stateKey: "", eventId: "$4" }, { type: "d", stateKey: "", eventId: "$5" }],
      removed: [{ type: "b", stateKey: "", eventId: "$2" }, { type: "c", stateKey: "", eventId: "$3" }],
    });
    expect(stateDiff(before, before)).toEqual({ added: [], removed: [] });
  });

  it("singleEntryDelta equals the full diff for one appended event", () => {
    const topic = makeEvent({ id: "$t", type: "m.room.topic", sender: "@a:x", stateKey: "", content: { topic: "t" } });
    const message = makeEvent({ id: "$m", type: "m.room.message", sender: "@a:x", content: {} });
    for (const before of [new Map(), new Map([[k("m.room.topic", ""), "$old"]])]) {
      expect(singleEntryDelta(before, topic)).toEqual(stateDiff(before, withEntry(before, topic)));
      expect(singleEntryDelta(before, message)).toEqual({ added: [], removed: [] });
    }
  });
});
