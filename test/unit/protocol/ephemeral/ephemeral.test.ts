// The pure parts of typing, receipts and presence: request bodies, m.receipt batching, presence at read time.
import { describe, expect, it } from "vitest";
import { parseReadMarkersBody, parseReceiptThread, parseTypingBody } from "../../../../src/protocol/ephemeral/ephemeral-requests";
import { presenceContent, syncPresenceStep } from "../../../../src/protocol/ephemeral/presence-view";
import { receiptEvents } from "../../../../src/protocol/ephemeral/receipt-events";

describe("typing body", () => {
  it("defaults, caps and refuses", () => {
    expect(parseTypingBody({ typing: true })).toEqual({ ok: true, value: { typing: true, timeoutMs: 30_000 } });
    expect(parseTypingBody({ typing: true, timeout: 500_000 })).toEqual({ ok: true, value: { typing: true, timeoutMs: 120_000 } });
    expect(parseTypingBody({ typing: false, timeout: 5 })).toEqual({ ok: true, value: { typing: false, timeoutMs: 0 } });
    expect(parseTypingBody({})).toMatchObject({ ok: false, error: { reason: "bad_json" } });
    expect(parseTypingBody({ typing: true, timeout: 1.5 })).toMatchObject({ ok: false, error: { reason: "bad_json" } });
    expect(parseTypingBody({ typing: true, timeout: -1 })).toMatchObject({ ok: false, error: { reason: "invalid_param" } });
  });
});

describe("receipt thread_id and read markers", () => {
  it("accepts main or an event ID; refuses the rest", () => {
    expect(parseReceiptThread({}, true)).toEqual({ ok: true, value: undefined });
    expect(parseReceiptThread({ thread_id: "main" }, true)).toEqual({ ok: true, value: "main" });
    expect(parseReceiptThread({ thread_id: "$root:example.org" }, true)).toEqual({ ok: true, value: "$root:example.org" });
    for (const body of [{ thread_id: "" }, { thread_id: 1 }, { thread_id: null }, { thread_id: "nonsense" }]) {
      expect(parseReceiptThread(body, true)).toMatchObject({ ok: false, error: { reason: "invalid_param" } });
    }
    expect(parseReceiptThread({ thread_id: "main" }, false)).toMatchObject({ ok: false, error: { reason: "invalid_param" } });
  });

  it("read markers: every field optional, each a string", () => {
    expect(parseReadMarkersBody({})).toEqual({ ok: true, value: {} });
    expect(parseReadMarkersBody({ "m.fully_read": "$a", "m.read.private": "$b" })).toEqual({ ok: true, value: { fullyRead: "$a", readPrivate: "$b" } });
    expect(parseReadMarkersBody({ "m.read": 1 })).toMatchObject({ ok: false, error: { reason: "bad_json" } });
  });
});

describe("m.receipt events", () => {
  const base = { roomId: "!r:x", ts: 7 };
  it("batches per thread, unthreaded first, and drops other users' private receipts", () => {
    const events = receiptEvents(
      [
        { ...base, userId: "@a:x", type: "m.read", threadId: "main", eventId: "$1" },
        { ...base, userId: "@a:x", type: "m.read", threadId: undefined, eventId: "$1" },
        { ...base, userId: "@b:x", type: "m.read.private", threadId: undefined, eventId: "$2" },
        { ...base, userId: "@a:x", type: "m.read.private", threadId: undefined, eventId: "$2" },
      ],
      "@a:x",
    );
    expect(events).toEqual([
      { type: "m.receipt", content: { $1: { "m.read": { "@a:x": { ts: 7 } } }, $2: { "m.read.private": { "@a:x": { ts: 7 } } } } },
      { type: "m.receipt", content: { $1: { "m.read": { "@a:x": { ts: 7, thread_id: "main" } } } } },
    ]);
  });
});

describe("presence", () => {
  it("is computed at read time", () => {
    const stored = { state: "online" as const, statusMsg: null, lastActiveTs: 1000 };
    expect(presenceContent(stored, 1000)).toEqual({ presence: "online", last_active_ago: 0, currently_active: true });
    expect(presenceContent(stored, 1000 + 61_000)).toMatchObject({ presence: "online", currently_active: false });
    expect(presenceContent(stored, 1000 + 300_000)).toMatchObject({ presence: "unavailable", currently_active: false });
  });

  it("set_presence on sync changes only what others see", () => {
    expect(syncPresenceStep(undefined, undefined, 5)).toEqual({ kind: "change", next: { state: "online", statusMsg: null, lastActiveTs: 5 } });
    const online = { state: "online" as const, statusMsg: "hi", lastActiveTs: 0 };
    expect(syncPresenceStep(online, "online", 10_000)).toEqual({ kind: "none" });
    expect(syncPresenceStep(online, "online", 25_000)).toEqual({ kind: "refresh" });
    expect(syncPresenceStep(online, "online", 70_000)).toEqual({ kind: "change", next: { state: "online", statusMsg: "hi", lastActiveTs: 70_000 } });
    expect(syncPresenceStep(online, "offline", 70_000)).toEqual({ kind: "none" });
    expect(syncPresenceStep(online, "unavailable", 70_000)).toEqual({ kind: "change", next: { state: "unavailable", statusMsg: "hi", lastActiveTs: 0 } });
  });
});
