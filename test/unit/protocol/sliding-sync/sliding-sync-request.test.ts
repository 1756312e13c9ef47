import { describe, expect, it } from "vitest";
import { indicesInRanges, parseSlidingSyncRequest } from "../../../../src/protocol/sliding-sync/sliding-sync-request";

describe("parseSlidingSyncRequest", () => {
  it("reads lists, subscriptions and enabled extensions", () => {
    const parsed = parseSlidingSyncRequest({
      lists: { all: { ranges: [[0, 19]], timeline_limit: 5, required_state: [["*", "*"]], filters: { is_dm: false, is_invite: true } } },
      room_subscriptions: { "!a:hs": { timeline_limit: 2, required_state: [["m.room.member", "$LAZY"]] } },
      extensions: { to_device: { enabled: true, since: "3" }, e2ee: { enabled: true }, typing: { enabled: false } },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.lists.get("all")).toEqual({
      timelineLimit: 5,
      requiredState: [["*", "*"]],
      excludeState: [],
      lazyMembers: false,
      ranges: [[0, 19]],
      filters: { isDm: false, isInvite: true },
    });
    expect(parsed.value.roomSubscriptions.get("!a:hs")?.requiredState).toEqual([["m.room.member", "$LAZY"]]);
    expect(parsed.value.extensions).toEqual({ toDevice: { since: "3" }, e2ee: true });
  });

  it("reads body-level pos, timeout and set_presence", () => {
    const parsed = parseSlidingSyncRequest({ pos: "s3", timeout: 100, set_presence: "offline", conn_id: "main" });
    expect(parsed.ok && [parsed.value.pos, parsed.value.timeoutMs, parsed.value.setPresence]).toEqual(["s3", 100, "offline"]);
  });

  it("reads the object form of required_state: include, exclude, lazy_members", () => {
    const parsed = parseSlidingSyncRequest({
      room_subscriptions: {
        "!a:hs": { timeline_limit: 1, required_state: { include: [{}, { type: "m.room.name" }], exclude: [{ type: "m.room.member" }], lazy_members: true } },
      },
    });
    expect(parsed.ok && parsed.value.roomSubscriptions.get("!a:hs")).toEqual({
      timelineLimit: 1,
      requiredState: [["*", "*"], ["m.room.name", "*"], ["m.room.member", "$LAZY"]],
      excludeState: [["m.room.member", "*"]],
      lazyMembers: true,
    });
  });

  it("reads the single `range` form", () => {
    const parsed = parseSlidingSyncRequest({ lists: { a: { range: [2, 4], timeline_limit: 1, required_state: [] } } });
    expect(parsed.ok && parsed.value.lists.get("a")?.ranges).toEqual([[2, 4]]);
  });

  it.each([
    [{ lists: [] }, "bad_json"],
    [{ lists: { a: { timeline_limit: "1" } } }, "bad_json"],
    [{ lists: { a: { timeline_limit: 1, required_state: [["x"]] } } }, "bad_json"],
    [{ lists: { a: { timeline_limit: 1, ranges: [[3, 1]] } } }, "invalid_param"],
    [{ lists: { a: { timeline_limit: -1 } } }, "invalid_param"],
    [{ lists: { a: { timeline_limit: 1, filters: { is_dm: 1 } } } }, "bad_json"],
    [{ room_subscriptions: { nope: { timeline_limit: 1 } } }, "invalid_param"],
    [{ extensions: { e2ee: { enabled: "yes" } } }, "bad_json"],
    [{ pos: 3 }, "bad_json"],
    [{ lists: { a: { timeline_limit: 1, filters: { not_tags: [null] } } } }, "bad_json"],
    [{ lists: { a: { timeline_limit: 1, filters: { room_types: [1] } } } }, "bad_json"],
    [{ lists: { a: { timeline_limit: 1, required_state: { include: [{ type: 1 }] } } } }, "bad_json"],
    [{ lists: { a: { timeline_limit: 1, required_state: { lazy_members: "yes" } } } }, "bad_json"],
    [{ timeout: "30" }, "bad_json"],
    [{ set_presence: "busy" }, "invalid_param"],
    [{ lists: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`l${i}`, { timeline_limit: 1 }])) }, "invalid_param"],
  ])("refuses %j with %s", (body, reason) => {
    const parsed = parseSlidingSyncRequest(body as never);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.reason).toBe(reason);
  });
});

describe("indicesInRanges", () => {
  it("clips ranges to the list and merges overlaps", () => {
    expect(indicesInRanges([[0, 1], [1, 9]], 3)).toEqual([0, 1, 2]);
    expect(indicesInRanges(undefined, 2)).toEqual([0, 1]);
    expect(indicesInRanges([[5, 9]], 3)).toEqual([]);
  });
});
