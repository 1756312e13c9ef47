// What decide reads (the room state view, the signing context) and what it returns (the decision to append).
import type { RoomEvent } from "../protocol/pdu";
import type { RoomVersionRules } from "../protocol/room-versions";
import type { SigningKey } from "../protocol/signing";
import type { EntryStatus, StateDelta } from "./log-entry";

/** Room state: stateKeyString(type, state_key) → event ID. */
export type StateMap = ReadonlyMap<string, string>;

/** An event the room holds, with the fate the room decided for it. */
export interface StoredEvent {
  readonly event: RoomEvent;
  readonly status: EntryStatus;
}

/** The room as decide sees it: synchronous lookups over the room DO's log. */
export interface RoomStateView {
  readonly roomId: string;
  readonly rules: RoomVersionRules;
  /** The current state (resolved across the forward extremities). */
  readonly currentState: StateMap;
  /** The accepted events no other event names as a prev event yet. */
  readonly forwardExtremities: readonly string[];
  readonly getEvent: (eventId: string) => StoredEvent | undefined;
  /** The state after an event (its own state entry included unless it was rejected). */
  readonly stateAfter: (eventId: string) => StateMap | undefined;
}

/** Everything impure decide needs, passed in: the clock and this server's identity. */
export interface DecideContext {
  readonly now: number;
  readonly serverName: string;
  readonly signingKey: SigningKey;
}

export interface DecidedTxn {
  readonly userId: string;
  readonly deviceId: string;
  readonly txnId: string;
}

/** One event to append, with its decision; the room DO adds seq and appendedTs. */
export interface DecidedEvent {
  readonly event: RoomEvent;
  readonly status: EntryStatus;
  readonly rule?: string;
  /** How the room's current state changes when this event is appended. */
  readonly stateDelta: StateDelta;
  /** The state before this event (resolved from its prev events). */
  readonly stateBefore: StateMap;
  readonly stateAfter: StateMap;
  readonly txn?: DecidedTxn;
}

export interface Decision {
  readonly roomId: string;
  readonly roomVersion: string;
  /** In append order; empty when the command changes nothing (a duplicate PDU, an unchanged state event). */
  readonly events: readonly DecidedEvent[];
  /** The event the caller asked about: the last appended one, or the existing one for a no-op. */
  readonly eventId: string;
  /** The forward extremities after every event of the decision. */
  readonly forwardExtremities: readonly string[];
  /** The room's current state after every event of the decision (the view's own map when nothing changed). */
  readonly currentState: StateMap;
}
