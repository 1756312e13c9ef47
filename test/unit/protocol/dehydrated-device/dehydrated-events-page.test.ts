// Paging a dehydrated device's to-device messages: tokens and when a page carries one.
import { describe, expect, it } from "vitest";
import {
  DEHYDRATED_EVENTS_PER_PAGE,
  eventsPage,
  formatEventsToken,
  parseEventsToken,
} from "../../../../src/protocol/dehydrated-device/dehydrated-events-page";

const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ position: from + i, event: { n: from + i } }));

describe("dehydrated device events paging", () => {
  it("round-trips tokens and refuses anything else", () => {
    expect(parseEventsToken(undefined)).toEqual({ ok: true, value: 0 });
    expect(parseEventsToken(formatEventsToken(42))).toEqual({ ok: true, value: 42 });
    for (const bad of ["", "d", "42", "d-1", "d01", "dx", "s42", "d1234567890123456"]) {
      const parsed = parseEventsToken(bad);
      expect(parsed.ok ? "accepted" : parsed.error.reason, bad).toBe("invalid_param");
    }
  });

  it("gives next_batch only when more messages wait (MSC3814)", () => {
    const full = eventsPage({ rows: rows(1, DEHYDRATED_EVENTS_PER_PAGE + 1), since: 0, alwaysToken: false });
    expect(full.events).toHaveLength(DEHYDRATED_EVENTS_PER_PAGE);
    expect(full.nextBatch).toBe(formatEventsToken(DEHYDRATED_EVENTS_PER_PAGE));
    const last = eventsPage({ rows: rows(101, 3), since: 100, alwaysToken: false });
    expect(last).toEqual({ events: [{ n: 101 }, { n: 102 }, { n: 103 }], nextBatch: undefined });
    expect(eventsPage({ rows: [], since: 7, alwaysToken: false })).toEqual({ events: [], nextBatch: undefined });
  });

  it("always gives a token in the POST form, the request's own when the page is empty", () => {
    expect(eventsPage({ rows: rows(5, 2), since: 0, alwaysToken: true }).nextBatch).toBe("d6");
    expect(eventsPage({ rows: [], since: 6, alwaysToken: true })).toEqual({ events: [], nextBatch: "d6" });
  });
});
