// Room history visibility, one case per sentence of the spec's "Room History Visibility" module.
import { describe, expect, it } from "vitest";
import {
  allowedAt,
  historyVisibilityOf,
  inRanges,
  mayViewEvent,
  OPEN_END,
  visibleRanges,
  type HistoryVisibility,
  type ViewChange,
  type ViewState,
} from "../../../src/protocol/history-visibility";

const at = (visibility: HistoryVisibility, membership?: string): ViewState => ({ visibility, membership });
const member = { everJoined: true, joinedAfterEvent: false };
const joinsLater = { everJoined: true, joinedAfterEvent: true };
const stranger = { everJoined: false, joinedAfterEvent: false };

describe("historyVisibilityOf", () => {
  it("reads the four values", () => {
    for (const v of ["world_readable", "shared", "invited", "joined"] as const) expect(historyVisibilityOf(v)).toBe(v);
  });
  it("assumes shared when no history_visibility is set, or the value is not understood", () => {
    expect(historyVisibilityOf(undefined)).toBe("shared");
    expect(historyVisibilityOf("everyone")).toBe("shared");
    expect(historyVisibilityOf(3)).toBe("shared");
  });
});

describe("the rules at the event", () => {
  it("1. world_readable: allow, even a user who never joined the room", () => {
    expect(allowedAt(at("world_readable"), stranger)).toBe(true);
    expect(allowedAt(at("world_readable", "leave"), member)).toBe(true);
  });

  it("except world_readable, a user needs to join a room to view its events", () => {
    expect(allowedAt(at("shared"), stranger)).toBe(false);
    expect(allowedAt(at("invited", "invite"), stranger)).toBe(false);
  });

  it("2. the user's membership was join: allow, whatever the setting", () => {
    for (const v of ["shared", "invited", "joined"] as const) expect(allowedAt(at(v, "join"), member)).toBe(true);
  });

  it("3. shared, and the user joined the room at any point after the event was sent: allow", () => {
    expect(allowedAt(at("shared"), joinsLater)).toBe(true);
    expect(allowedAt(at("shared", "leave"), joinsLater)).toBe(true);
    expect(allowedAt(at("shared", "leave"), member)).toBe(false);
    // Only shared gives the earlier history to later joiners.
    expect(allowedAt(at("invited"), joinsLater)).toBe(false);
    expect(allowedAt(at("joined"), joinsLater)).toBe(false);
  });

  it("4. membership invite and invited: allow; invite under joined is not enough", () => {
    expect(allowedAt(at("invited", "invite"), member)).toBe(true);
    expect(allowedAt(at("joined", "invite"), member)).toBe(false);
  });

  it("5. otherwise deny: left, banned, knocking or absent under invited or joined", () => {
    for (const m of ["leave", "ban", "knock", undefined]) {
      expect(allowedAt(at("invited", m), member)).toBe(false);
      expect(allowedAt(at("joined", m), member)).toBe(false);
    }
  });
});

describe("events that change the deciding state", () => {
  it("a history_visibility event is visible when the setting before or after it allows it", () => {
    // world_readable → joined and joined → world_readable, by a user who was never a member.
    expect(mayViewEvent(at("world_readable"), at("joined"), stranger)).toBe(true);
    expect(mayViewEvent(at("joined"), at("world_readable"), stranger)).toBe(true);
    expect(mayViewEvent(at("joined"), at("shared"), stranger)).toBe(false);
  });

  it("the user's own member event is visible when their membership before or after it allows it", () => {
    // Their join under joined, and their leave under joined.
    expect(mayViewEvent(at("joined"), at("joined", "join"), member)).toBe(true);
    expect(mayViewEvent(at("joined", "join"), at("joined", "leave"), member)).toBe(true);
    expect(mayViewEvent(at("joined", "leave"), at("joined", "ban"), member)).toBe(false);
  });
});

describe("visibleRanges", () => {
  const change = (pos: number, visibility: HistoryVisibility, membership?: string): ViewChange => ({ pos, after: at(visibility, membership) });

  it("joined: from the user's join onwards, nothing before", () => {
    // The setting event itself (1) is seen: before it no setting existed, which means shared.
    const ranges = visibleRanges([change(1, "joined"), change(10, "joined", "join")]);
    expect(ranges).toEqual([[1, 1], [10, OPEN_END]]);
  });

  it("shared: a later joiner sees everything before their join too", () => {
    expect(visibleRanges([change(3, "shared"), change(10, "shared", "join")])).toEqual([[1, OPEN_END]]);
  });

  it("invited: from the invite onwards", () => {
    expect(visibleRanges([change(1, "invited"), change(7, "invited", "invite"), change(10, "invited", "join")])).toEqual([[1, 1], [7, OPEN_END]]);
  });

  it("after leaving, events up to the leave stay visible and nothing after (unless world_readable)", () => {
    expect(visibleRanges([change(1, "joined"), change(5, "joined", "join"), change(9, "joined", "leave")])).toEqual([[1, 1], [5, 9]]);
    expect(visibleRanges([change(3, "shared"), change(5, "shared", "join"), change(9, "shared", "leave")])).toEqual([[1, 9]]);
    expect(
      visibleRanges([change(3, "shared"), change(5, "shared", "join"), change(9, "shared", "leave"), change(12, "world_readable", "leave")]),
    ).toEqual([[1, 9], [12, OPEN_END]]);
  });

  it("a user who never joined sees only what was sent while world_readable, and the changes around it", () => {
    const ranges = visibleRanges([change(2, "joined"), change(5, "world_readable"), change(8, "joined")]);
    expect(ranges).toEqual([[5, 8]]);
    expect(inRanges(ranges, 4)).toBe(false);
    expect(inRanges(ranges, 8)).toBe(true);
    expect(inRanges(ranges, 9)).toBe(false);
    // Invited but not joined: nothing.
    expect(visibleRanges([change(2, "invited"), change(5, "invited", "invite")])).toEqual([]);
  });

  it("left and rejoined under joined: the gap while away stays hidden", () => {
    expect(
      visibleRanges([change(1, "joined"), change(4, "joined", "join"), change(6, "joined", "leave"), change(10, "joined", "join")]),
    ).toEqual([[1, 1], [4, 6], [10, OPEN_END]]);
  });

  it("events before any history_visibility event count as shared: a later joiner sees them", () => {
    // The setting arrives at 5 (after the create event and the creator's join); the user joins at 9.
    expect(visibleRanges([change(5, "joined"), change(9, "joined", "join")])).toEqual([[1, 5], [9, OPEN_END]]);
  });

  it("no state at all: default shared, seen only by a user who joins", () => {
    expect(visibleRanges([])).toEqual([]);
  });
});
