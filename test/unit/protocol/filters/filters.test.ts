// Filter validation, event matching (wildcards, not_* precedence, absent vs empty lists, contains_url), event_fields and lazy loading.
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../../src/protocol/json-value";
import { applyEventFields } from "../../../../src/protocol/filters/event-fields";
import {
  eventMatchesFilter,
  filterEvents,
  roomFilterIncludes,
  typePatternMatches,
} from "../../../../src/protocol/filters/event-filter-match";
import { filterLimit } from "../../../../src/protocol/filters/filter-definition";
import { lazyLoadedMembers } from "../../../../src/protocol/filters/lazy-members";
import { parseFilter, parseRoomEventFilter } from "../../../../src/protocol/filters/parse-filter";

const ev = (type: string, sender = "@bob:x", content: JsonObject = {}, roomId = "!a:x"): JsonObject => ({
  type,
  sender,
  room_id: roomId,
  content,
  event_id: "$e",
});

describe("parsing filters", () => {
  it("accepts the spec's example and keeps only defined keys", () => {
    const r = parseFilter({
      room: {
        state: { types: ["m.room.*"], not_rooms: ["!726s6s6q:example.com"] },
        timeline: { limit: 10, types: ["m.room.message"], not_senders: ["@spam:example.com"] },
        ephemeral: { types: ["m.receipt", "m.typing"] },
        include_leave: true,
      },
      presence: { types: ["m.presence"], not_senders: ["@alice:example.com"] },
      event_format: "client",
      event_fields: ["type", "content", "sender"],
      unknown_key: 1,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.room?.timeline?.limit).toBe(10);
    expect(r.value.room?.include_leave).toBe(true);
    expect("unknown_key" in r.value).toBe(false);
    expect(parseFilter({})).toEqual({ ok: true, value: {} });
  });

  it("rejects wrong shapes with the path of the problem", () => {
    const fail = (value: unknown) => {
      const r = parseFilter(value);
      return r.ok ? "ok" : `${r.error._tag}:${r.error.reason}:${r.error.path}`;
    };
    expect(fail([])).toBe("InvalidFilter:not_object:");
    expect(fail({ room: { timeline: { limit: 0 } } })).toBe("InvalidFilter:invalid_field:room.timeline.limit");
    expect(fail({ room: { timeline: { limit: 2.5 } } })).toBe("InvalidFilter:invalid_field:room.timeline.limit");
    expect(fail({ room: { timeline: { limit: "10" } } })).toBe("InvalidFilter:invalid_field:room.timeline.limit");
    expect(fail({ room: { state: { types: "m.room.name" } } })).toBe("InvalidFilter:invalid_field:room.state.types");
    expect(fail({ room: { state: { types: [1] } } })).toBe("InvalidFilter:invalid_field:room.state.types");
    expect(fail({ room: { rooms: ["#alias:x"] } })).toBe("InvalidFilter:invalid_field:room.rooms");
    expect(fail({ presence: { senders: ["bob"] } })).toBe("InvalidFilter:invalid_field:presence.senders");
    expect(fail({ room: { timeline: { contains_url: "yes" } } })).toBe("InvalidFilter:invalid_field:room.timeline.contains_url");
    expect(fail({ room: { timeline: { lazy_load_members: 1 } } })).toBe("InvalidFilter:invalid_field:room.timeline.lazy_load_members");
    expect(fail({ event_format: "raw" })).toBe("InvalidFilter:invalid_field:event_format");
    expect(fail({ event_fields: "content" })).toBe("InvalidFilter:invalid_field:event_fields");
    expect(fail({ room: "all" })).toBe("InvalidFilter:not_object:room");
  });

  it("reads null as an absent field, as matrix-js-sdk's /messages filters send it", () => {
    const sdk = { types: ["m.room.message"], not_types: [], rooms: null, not_rooms: [], senders: ["@bob:x"], contains_url: null, related_by_senders: [] };
    expect(parseRoomEventFilter(sdk)).toEqual({ ok: true, value: { types: ["m.room.message"], not_types: [], not_rooms: [], senders: ["@bob:x"] } });
    expect(parseFilter({ room: { timeline: null } })).toEqual({ ok: true, value: { room: {} } });
  });

  it("applies the server default and maximum limit", () => {
    expect(filterLimit(undefined, { fallback: 10, max: 100 })).toBe(10);
    expect(filterLimit({ limit: 5 }, { fallback: 10, max: 100 })).toBe(5);
    expect(filterLimit({ limit: 5000 }, { fallback: 10, max: 100 })).toBe(100);
  });
});

describe("type patterns", () => {
  it("treats * as any run of characters and nothing else as special", () => {
    expect(typePatternMatches("m.room.*", "m.room.message")).toBe(true);
    expect(typePatternMatches("m.room.*", "m.room.")).toBe(true);
    expect(typePatternMatches("m.room.*", "m.roomy")).toBe(false);
    expect(typePatternMatches("*", "anything")).toBe(true);
    expect(typePatternMatches("*.member", "m.room.member")).toBe(true);
    expect(typePatternMatches("m.*.m*r", "m.room.member")).toBe(true);
    expect(typePatternMatches("a*a", "a")).toBe(false);
    expect(typePatternMatches("m.room.?ame", "m.room.name")).toBe(false);
    expect(typePatternMatches("M.room.message", "m.room.message")).toBe(false);
  });
});

describe("eventMatchesFilter", () => {
  it("an empty filter matches everything", () => {
    expect(eventMatchesFilter({}, ev("m.room.message"))).toBe(true);
  });

  it("absent lists allow all, empty include lists allow none, empty exclude lists exclude none", () => {
    expect(eventMatchesFilter({ types: [] }, ev("m.room.message"))).toBe(false);
    expect(eventMatchesFilter({ not_types: [] }, ev("m.room.message"))).toBe(true);
    expect(eventMatchesFilter({ senders: [] }, ev("m.room.message"))).toBe(false);
    expect(eventMatchesFilter({ rooms: [] }, ev("m.room.message"))).toBe(false);
    expect(eventMatchesFilter({ not_rooms: [] }, ev("m.room.message"))).toBe(true);
  });

  it("lets not_* win over the include lists", () => {
    expect(eventMatchesFilter({ types: ["m.room.*"], not_types: ["m.room.member"] }, ev("m.room.member"))).toBe(false);
    expect(eventMatchesFilter({ types: ["m.room.*"], not_types: ["m.room.member"] }, ev("m.room.name"))).toBe(true);
    expect(eventMatchesFilter({ types: ["*"], not_types: ["*"] }, ev("m.room.name"))).toBe(false);
    expect(eventMatchesFilter({ senders: ["@bob:x"], not_senders: ["@bob:x"] }, ev("m.room.name"))).toBe(false);
    expect(eventMatchesFilter({ rooms: ["!a:x"], not_rooms: ["!a:x"] }, ev("m.room.name"))).toBe(false);
  });

  it("matches senders and rooms exactly", () => {
    expect(eventMatchesFilter({ senders: ["@bob:x"] }, ev("t", "@bob:x"))).toBe(true);
    expect(eventMatchesFilter({ senders: ["@bob:x"] }, ev("t", "@bobby:x"))).toBe(false);
    expect(eventMatchesFilter({ not_senders: ["@spam:x"] }, ev("t", "@spam:x"))).toBe(false);
    expect(eventMatchesFilter({ rooms: ["!a:x"] }, ev("t", "@bob:x", {}, "!b:x"))).toBe(false);
    expect(eventMatchesFilter({ not_rooms: ["!b:x"] }, ev("t", "@bob:x", {}, "!b:x"))).toBe(false);
  });

  it("takes the room from the context when sync's format left it out", () => {
    const noRoom: JsonObject = { type: "m.room.message", sender: "@bob:x", content: {} };
    expect(eventMatchesFilter({ rooms: ["!a:x"] }, noRoom)).toBe(false);
    expect(eventMatchesFilter({ rooms: ["!a:x"] }, noRoom, { roomId: "!a:x" })).toBe(true);
    expect(eventMatchesFilter({ not_rooms: ["!a:x"] }, noRoom)).toBe(true);
  });

  it("excludes events without a sender from a senders list (e.g. account data)", () => {
    expect(eventMatchesFilter({ senders: ["@bob:x"] }, { type: "m.tag", content: {} })).toBe(false);
    expect(eventMatchesFilter({ not_senders: ["@bob:x"] }, { type: "m.tag", content: {} })).toBe(true);
  });

  it("filters on the content's url key when contains_url is set", () => {
    const image = ev("m.room.message", "@bob:x", { msgtype: "m.image", url: "mxc://x/y" });
    const text = ev("m.room.message", "@bob:x", { msgtype: "m.text", body: "hi" });
    expect(eventMatchesFilter({ contains_url: true }, image)).toBe(true);
    expect(eventMatchesFilter({ contains_url: true }, text)).toBe(false);
    expect(eventMatchesFilter({ contains_url: false }, image)).toBe(false);
    expect(eventMatchesFilter({ contains_url: false }, text)).toBe(true);
    expect(eventMatchesFilter({}, image)).toBe(true);
  });

  it("filters lists and applies room-level rooms/not_rooms", () => {
    const events = [ev("m.room.message"), ev("m.room.member"), ev("m.reaction")];
    expect(filterEvents({ not_types: ["m.room.*"] }, events).map((e) => e["type"])).toEqual(["m.reaction"]);
    expect(filterEvents(undefined, events)).toBe(events);
    expect(roomFilterIncludes(undefined, "!a:x")).toBe(true);
    expect(roomFilterIncludes({ rooms: ["!a:x", "!b:x"], not_rooms: ["!b:x"] }, "!b:x")).toBe(false);
    expect(roomFilterIncludes({ rooms: ["!a:x"] }, "!a:x")).toBe(true);
    expect(roomFilterIncludes({ rooms: [] }, "!a:x")).toBe(false);
  });

  it("works on a parsed filter", () => {
    const r = parseRoomEventFilter({ types: ["m.room.message"], not_senders: ["@spam:x"] });
    if (!r.ok) throw new Error("parse failed");
    expect(eventMatchesFilter(r.value, ev("m.room.message", "@bob:x"))).toBe(true);
    expect(eventMatchesFilter(r.value, ev("m.room.message", "@spam:x"))).toBe(false);
  });
});

describe("applyEventFields", () => {
  const event: JsonObject = {
    type: "m.room.message",
    sender: "@bob:x",
    event_id: "$e",
    content: { body: "hi", msgtype: "m.text", "m.relates_to": { rel_type: "m.thread", event_id: "$root" } },
    unsigned: { age: 5 },
  };

  it("keeps everything when the list is absent and nothing when it is empty", () => {
    expect(applyEventFields(event, undefined)).toBe(event);
    expect(applyEventFields(event, [])).toEqual({});
  });

  it("keeps the listed paths, nested", () => {
    expect(applyEventFields(event, ["type", "content.body"])).toEqual({ type: "m.room.message", content: { body: "hi" } });
    expect(applyEventFields(event, ["content"])).toEqual({ content: event["content"] });
  });

  it("follows escaped dots to keys that contain dots", () => {
    expect(applyEventFields(event, ["content.m\\.relates_to.rel_type"])).toEqual({
      content: { "m.relates_to": { rel_type: "m.thread" } },
    });
    expect(applyEventFields(event, ["content.m.relates_to"])).toEqual({});
  });

  it("skips missing paths and merges overlapping ones without touching the event", () => {
    const snapshot = JSON.stringify(event);
    expect(applyEventFields(event, ["content", "content.body", "nope.x", "unsigned.age"])).toEqual({
      content: event["content"],
      unsigned: { age: 5 },
    });
    expect(applyEventFields(event, ["content.body", "content.msgtype"])).toEqual({ content: { body: "hi", msgtype: "m.text" } });
    expect(JSON.stringify(event)).toBe(snapshot);
    expect(applyEventFields(event, ["type.length"])).toEqual({});
  });
});

describe("lazy-loading members", () => {
  it("is off unless lazy_load_members is true", () => {
    expect(lazyLoadedMembers(undefined, ["@a:x"])).toBeUndefined();
    expect(lazyLoadedMembers({ include_redundant_members: true }, ["@a:x"])).toBeUndefined();
  });

  it("names the senders, skipping ones already sent unless redundant members are wanted", () => {
    const sent = new Set(["@a:x"]);
    expect([...(lazyLoadedMembers({ lazy_load_members: true }, ["@a:x", "@b:x", "@b:x"], sent) ?? [])]).toEqual(["@b:x"]);
    expect([
      ...(lazyLoadedMembers({ lazy_load_members: true, include_redundant_members: true }, ["@a:x", "@b:x"], sent) ?? []),
    ]).toEqual(["@a:x", "@b:x"]);
  });
});
