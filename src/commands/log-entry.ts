// The room log entry: one appended event plus the decision taken on it, as stored and as queued.
import { Schema } from "effect";

/** One (type, state_key) → event_id entry of a room's current state. */
export const StateEntry = Schema.Struct({
  type: Schema.String,
  stateKey: Schema.String,
  eventId: Schema.String,
});
export type StateEntry = typeof StateEntry.Type;

/**
 * How the room's current state changed when this entry was appended. For a plain local state event
 * `added` holds the event and `removed` the entry it replaced; after state resolution (federation
 * forks) either list may hold several entries. Projections apply it verbatim and never re-resolve.
 */
export const StateDelta = Schema.Struct({
  added: Schema.Array(StateEntry),
  removed: Schema.Array(StateEntry),
});
export type StateDelta = typeof StateDelta.Type;

export const EntryStatus = Schema.Literals(["accepted", "soft_failed", "rejected", "outlier"]);
export type EntryStatus = typeof EntryStatus.Type;

/** Present when a client sent the event with a transaction ID (for echo and idempotency). */
export const EntryTxn = Schema.Struct({
  userId: Schema.String,
  deviceId: Schema.String,
  txnId: Schema.String,
});

export const LogEntry = Schema.Struct({
  /** Version of this record's shape: readers reject versions they do not know. */
  v: Schema.Literal(1),
  roomId: Schema.String,
  roomVersion: Schema.String,
  /** Dense, 1-based position in the room's log: a projection at checkpoint n applies n+1 next. */
  seq: Schema.Int,
  eventId: Schema.String,
  /** The full PDU as stored (hashed and signed), without `unsigned`. */
  event: Schema.Record(Schema.String, Schema.Unknown),
  status: EntryStatus,
  /** The auth rule that rejected or soft-failed the event. */
  rule: Schema.optionalKey(Schema.String),
  stateDelta: StateDelta,
  txn: Schema.optionalKey(EntryTxn),
  /**
   * For an accepted m.room.redaction: whether its sender held the room's `redact` level in the state
   * before it (the power half of the spec's rule for applying a redaction; the domain half needs the
   * target). Optional, so entries logged before the room DO recorded it still decode: a reader
   * without it works it out from the state it holds. Readers ignore keys they do not know, so
   * adding it needed no new version.
   */
  redactorHasPower: Schema.optionalKey(Schema.Boolean),
  /** Millisecond time the room DO appended the entry (not the event's origin_server_ts). */
  appendedTs: Schema.Int,
});
export type LogEntry = typeof LogEntry.Type;

/** What travels on the queue: the entry itself (≤ 64 KiB event + metadata, under the queue's limit). */
export const RoomLogMessage = Schema.Struct({
  kind: Schema.Literal("room_log_entry"),
  entry: LogEntry,
});
export type RoomLogMessage = typeof RoomLogMessage.Type;
