// The checks performed on receipt of a PDU, in the spec's order, naming the outcome for the caller.
import { hasValidContentHash } from "../content-hash";
import { computeEventId } from "../event-id";
import { verifyEventSignatures, type KeyLookup } from "../event-signing";
import { isJsonObject, type JsonObject } from "../json-value";
import type { Pdu, RoomEvent } from "../pdu";
import { redactEvent } from "../redaction";
import type { RoomVersionRules } from "../room-versions";
import { verifyJsonSignature } from "../signing";
import { checkAuthEventsList, stateFromAuthEvents, type AuthEventEntry } from "./auth-events-list";
import type { AuthRejection, StateLookup } from "./auth-types";
import { authorizeEvent, type AuthOptions } from "./authorize-event";
import { checkPduFormat } from "./pdu-format";
import { rejection, topLevelRules } from "./rule-numbers";

export interface ReceiptContext {
  readonly rules: RoomVersionRules;
  /** Public keys of remote servers, as fetched and cached by the caller. */
  readonly lookupKey: KeyLookup;
  /** An event this server holds, with whether it was rejected; the caller fetches missing ones first. */
  readonly getEvent: (eventId: string) => AuthEventEntry | undefined;
  /** The room state before the event, resolved from its prev_events (only asked for when needed). */
  readonly stateBefore: () => StateLookup;
  /** The current room state, resolved across the forward extremities (only asked for when needed). */
  readonly currentState: () => StateLookup;
}

/** Whether the event kept its content or was redacted because its content hash did not match. */
export type ContentHashOutcome = "valid" | "redacted-by-hash-mismatch";

export type ReceiptOutcome =
  /** Steps 1–2: not a valid event, or bad signatures. Dropped, not stored. */
  | { readonly _tag: "Dropped"; readonly stage: "format" | "signatures"; readonly reason: string }
  /** Auth events this server does not hold: fetch them and run the checks again. */
  | { readonly _tag: "MissingAuthEvents"; readonly eventIds: readonly string[] }
  /** Steps 4–5: stored as rejected; it never changes state or reaches clients. */
  | {
      readonly _tag: "Rejected";
      readonly event: RoomEvent;
      readonly contentHash: ContentHashOutcome;
      readonly against: "auth_events" | "state_before";
      readonly rejection: AuthRejection;
    }
  /** Step 6: valid, but not allowed by the current state; kept out of clients' view and of new prev_events. */
  | {
      readonly _tag: "SoftFailed";
      readonly event: RoomEvent;
      readonly contentHash: ContentHashOutcome;
      readonly rejection: AuthRejection;
    }
  | { readonly _tag: "Accepted"; readonly event: RoomEvent; readonly contentHash: ContentHashOutcome };

/** Whether the redacted event carries a verifying ed25519 signature by `server` under a known key. */
function signedBy(rules: RoomVersionRules, pdu: JsonObject, lookupKey: KeyLookup, server: string): boolean {
  const redacted = redactEvent(rules, pdu);
  const signatures = redacted["signatures"];
  const byServer = isJsonObject(signatures) ? signatures[server] : undefined;
  if (!isJsonObject(byServer)) return false;
  return Object.keys(byServer).some((keyId) => {
    const key = keyId.startsWith("ed25519:") ? lookupKey(server, keyId) : undefined;
    return key !== undefined && verifyJsonSignature(redacted, server, keyId, key.publicKey).ok;
  });
}

/** Runs the checks on receipt of `raw`, a PDU received over federation in a room of `ctx.rules`. */
export function checkPduOnReceipt(ctx: ReceiptContext, raw: unknown): ReceiptOutcome {
  const { rules } = ctx;
  const format = checkPduFormat(rules, raw);
  if (!format.ok) {
    const where = format.error.field === undefined ? "" : ` (${format.error.field})`;
    return { _tag: "Dropped", stage: "format", reason: `${format.error.reason}${where}` };
  }
  const received = format.value as unknown as JsonObject;
  const eventId = computeEventId(rules, received);
  if (!eventId.ok) return { _tag: "Dropped", stage: "format", reason: eventId.error.reason };

  const signatures = verifyEventSignatures(rules, received, ctx.lookupKey);
  if (!signatures.ok) {
    const { reason, server } = signatures.error;
    return { _tag: "Dropped", stage: "signatures", reason: server === "" ? reason : `${reason} (${server})` };
  }

  // A hash mismatch means we were given (or must assume) a redacted copy: use the redacted form.
  const hashOk = hasValidContentHash(received);
  const contentHash: ContentHashOutcome = hashOk ? "valid" : "redacted-by-hash-mismatch";
  const pdu = (hashOk ? received : redactEvent(rules, received)) as unknown as Pdu;
  const event: RoomEvent = { eventId: eventId.value, pdu };
  const options: AuthOptions = { isSignedBy: (server) => signedBy(rules, received, ctx.lookupKey, server) };

  const entries: AuthEventEntry[] = [];
  const missing: string[] = [];
  for (const id of pdu.auth_events) {
    const entry = ctx.getEvent(id);
    if (entry) entries.push(entry);
    else missing.push(id);
  }
  if (missing.length > 0) return { _tag: "MissingAuthEvents", eventIds: missing };

  const rejected = (against: "auth_events" | "state_before", rejection: AuthRejection): ReceiptOutcome => ({
    _tag: "Rejected",
    event,
    contentHash,
    against,
    rejection,
  });

  // v12: the create event is named by the room ID rather than listed among the auth events.
  let create: RoomEvent | undefined;
  const roomIdRule = topLevelRules(rules).roomId;
  if (roomIdRule !== undefined && pdu.type !== "m.room.create") {
    const entry = pdu.room_id === undefined ? undefined : ctx.getEvent(`$${pdu.room_id.slice(1)}`);
    if (!entry || entry.rejected || entry.event.pdu.type !== "m.room.create") {
      return rejected("auth_events", rejection(roomIdRule, "room_id does not name an accepted m.room.create event"));
    }
    create = entry.event;
  }

  const list = checkAuthEventsList(rules, event, entries);
  if (!list.ok) return rejected("auth_events", list.error);
  const byAuthEvents = authorizeEvent(rules, event, stateFromAuthEvents(entries.map((e) => e.event), create), options);
  if (!byAuthEvents.ok) return rejected("auth_events", byAuthEvents.error);

  const byStateBefore = authorizeEvent(rules, event, ctx.stateBefore(), options);
  if (!byStateBefore.ok) return rejected("state_before", byStateBefore.error);

  const byCurrentState = authorizeEvent(rules, event, ctx.currentState(), options);
  if (!byCurrentState.ok) return { _tag: "SoftFailed", event, contentHash, rejection: byCurrentState.error };

  return { _tag: "Accepted", event, contentHash };
}
