// Test assertion for decide's output: every event passes the checks on receipt a remote server would run.
import { expect } from "vitest";
import type { Decision } from "../../../src/commands/room-decision";
import { lookupIn } from "../../../src/commands/state-map";
import { checkPduOnReceipt } from "../../../src/protocol/auth/checks-on-receipt";
import type { RoomEvent } from "../../../src/protocol/pdu";
import { roomVersionRules } from "../../../src/protocol/room-versions";
import { testKeyLookup } from "../../support/room-builder";

/** Every event of the decision must be accepted on receipt, against the state it was built on. */
export function expectValidOnReceipt(d: Decision): void {
  const rules = roomVersionRules(d.roomVersion)!;
  const byId = new Map<string, RoomEvent>(d.events.map((e) => [e.event.eventId, e.event]));
  const fetch = (id: string) => byId.get(id);
  for (const e of d.events) {
    const outcome = checkPduOnReceipt(
      {
        rules,
        lookupKey: testKeyLookup,
        getEvent: (id) => (byId.has(id) ? { event: byId.get(id)!, rejected: false } : undefined),
        stateBefore: () => lookupIn(e.stateBefore, fetch),
        currentState: () => lookupIn(e.stateBefore, fetch),
      },
      e.event.pdu,
    );
    expect(outcome._tag, `${e.event.pdu.type}: ${JSON.stringify(outcome)}`).toBe("Accepted");
  }
}
