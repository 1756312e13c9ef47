// The room commands: versioned Schema tagged unions, decoded once at the edge and then trusted by decide.
import { Schema } from "effect";

/** A JSON object as received; decide checks that it is canonical JSON before using it. */
const Content = Schema.Record(Schema.String, Schema.Unknown);
const V1 = Schema.Literal(1);

export const RoomPreset = Schema.Literals(["private_chat", "public_chat", "trusted_private_chat"]);
export type RoomPreset = typeof RoomPreset.Type;

export const InitialStateEvent = Schema.Struct({
  type: Schema.String,
  stateKey: Schema.optionalKey(Schema.String),
  content: Content,
});
export type InitialStateEvent = typeof InitialStateEvent.Type;

/**
 * POST /rooms/{roomId}/upgrade: the replacement room takes the old room's state instead of a
 * preset. The predecessor, room type and (v12) additional creators travel in `creationContent`.
 */
export const RoomUpgradeState = Schema.Struct({
  /** The old room's m.room.power_levels content as it is; absent when it had none (the defaults apply). */
  powerLevels: Schema.optionalKey(Content),
  /** The transferable state events (name, topic, join rules, ...), copied as they are, in this order. */
  state: Schema.Array(InitialStateEvent),
});
export type RoomUpgradeState = typeof RoomUpgradeState.Type;

/**
 * POST /createRoom. `roomId` is fixed by the caller before the room DO is addressed: chosen at
 * random before v12, and from v12 the reference hash of the create event, which is why the create
 * event's timestamp (`createTs`) is part of the command (see roomIdForCreateRoom).
 */
export const CreateRoom = Schema.TaggedStruct("CreateRoom", {
  v: V1,
  roomId: Schema.String,
  roomVersion: Schema.String,
  createTs: Schema.Int,
  sender: Schema.String,
  deviceId: Schema.optionalKey(Schema.String),
  preset: Schema.optionalKey(RoomPreset),
  visibility: Schema.optionalKey(Schema.Literals(["public", "private"])),
  creationContent: Schema.optionalKey(Content),
  powerLevelContentOverride: Schema.optionalKey(Content),
  /** The full alias (`#local:server`) for m.room.canonical_alias; the api reserves it in the directory. */
  canonicalAlias: Schema.optionalKey(Schema.String),
  initialState: Schema.optionalKey(Schema.Array(InitialStateEvent)),
  name: Schema.optionalKey(Schema.String),
  topic: Schema.optionalKey(Schema.String),
  invite: Schema.optionalKey(Schema.Array(Schema.String)),
  isDirect: Schema.optionalKey(Schema.Boolean),
  /** The creator's profile, copied into their join event as clients expect. */
  displayname: Schema.optionalKey(Schema.String),
  avatarUrl: Schema.optionalKey(Schema.String),
  /** A room upgrade: copied state replaces preset, initial_state, name, topic, invites and power level defaults. */
  upgrade: Schema.optionalKey(RoomUpgradeState),
});
export type CreateRoom = typeof CreateRoom.Type;

/** PUT /rooms/{roomId}/send/{eventType}/{txnId}. */
export const SendEvent = Schema.TaggedStruct("SendEvent", {
  v: V1,
  roomId: Schema.String,
  sender: Schema.String,
  deviceId: Schema.optionalKey(Schema.String),
  txnId: Schema.optionalKey(Schema.String),
  type: Schema.String,
  content: Content,
});
export type SendEvent = typeof SendEvent.Type;

/** PUT /rooms/{roomId}/state/{eventType}/{stateKey}. */
export const SetState = Schema.TaggedStruct("SetState", {
  v: V1,
  roomId: Schema.String,
  sender: Schema.String,
  deviceId: Schema.optionalKey(Schema.String),
  type: Schema.String,
  stateKey: Schema.String,
  content: Content,
});
export type SetState = typeof SetState.Type;

export const MembershipAction = Schema.Literals(["join", "invite", "leave", "ban", "unban", "kick", "knock"]);
export type MembershipAction = typeof MembershipAction.Type;

/** join, invite, leave, ban, unban, kick, knock: each an m.room.member state event. */
export const Membership = Schema.TaggedStruct("Membership", {
  v: V1,
  roomId: Schema.String,
  sender: Schema.String,
  deviceId: Schema.optionalKey(Schema.String),
  action: MembershipAction,
  /** The user acted on; join, leave and knock act on the sender and may omit it. */
  target: Schema.optionalKey(Schema.String),
  reason: Schema.optionalKey(Schema.String),
  isDirect: Schema.optionalKey(Schema.Boolean),
  displayname: Schema.optionalKey(Schema.String),
  avatarUrl: Schema.optionalKey(Schema.String),
  /** Restricted joins: a local member with invite power, chosen by the caller from the allowed rooms. */
  joinAuthorisedVia: Schema.optionalKey(Schema.String),
  /**
   * Restricted joins: an allowed room the caller has checked the sender is joined to. When the
   * room's join rules still allow that room, decide names a local member able to invite as
   * `join_authorised_via_users_server` (unless the sender is already invited or joined).
   */
  restrictedVia: Schema.optionalKey(Schema.String),
});
export type Membership = typeof Membership.Type;

/** PUT /rooms/{roomId}/redact/{eventId}/{txnId}. */
export const Redact = Schema.TaggedStruct("Redact", {
  v: V1,
  roomId: Schema.String,
  sender: Schema.String,
  deviceId: Schema.optionalKey(Schema.String),
  txnId: Schema.optionalKey(Schema.String),
  redacts: Schema.String,
  reason: Schema.optionalKey(Schema.String),
});
export type Redact = typeof Redact.Type;

/**
 * A PDU received over federation whose format, hashes and signatures the caller has checked (a PDU
 * with a bad content hash arrives already redacted), and whose prev and auth events this room holds.
 */
export const IngestPdu = Schema.TaggedStruct("IngestPdu", {
  v: V1,
  roomId: Schema.String,
  pdu: Content,
});
export type IngestPdu = typeof IngestPdu.Type;

export const RoomCommand = Schema.Union([CreateRoom, SendEvent, SetState, Membership, Redact, IngestPdu]);
export type RoomCommand = typeof RoomCommand.Type;

/** Commands addressed to an existing room. */
export type RoomEventCommand = Exclude<RoomCommand, CreateRoom>;

export const decodeRoomCommand = Schema.decodeUnknownResult(RoomCommand);
