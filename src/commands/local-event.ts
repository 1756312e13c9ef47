// Builds one event authored on this server: prev/auth events, depth, hashes and signature, then the auth check.
import { authorizeEvent } from "../protocol/auth/authorize-event";
import { selectAuthEventKeys } from "../protocol/auth/auth-events-selection";
import { checkPduFormat } from "../protocol/auth/pdu-format";
import { encodeCanonicalJson } from "../protocol/canonical-json";
import { computeEventId } from "../protocol/event-id";
import { hashAndSignEvent } from "../protocol/event-signing";
import { isJsonObject, type JsonObject } from "../protocol/json-value";
import { stateKeyString, type Pdu, type RoomEvent } from "../protocol/pdu";
import { err, ok, type Result } from "../protocol/result";
import type { RoomVersionRules } from "../protocol/room-versions";
import { badRequest, forbidden, type Rejection } from "./rejection";
import type { DecideContext, DecidedEvent, DecidedTxn } from "./room-decision";
import { singleEntryDelta, withEntry } from "./state-map";
import type { WorkingRoom } from "./working-room";

/** What the author chose; everything else in the PDU is filled in here. */
export interface EventDraft {
  readonly type: string;
  readonly sender: string;
  readonly stateKey?: string;
  readonly content: JsonObject;
  /** m.room.redaction: top-level before v11, inside content from v11. */
  readonly redacts?: string;
}

const MAX_PREV_EVENTS = 20;

/** Accepts a decoded JSON object only if it is canonical JSON (no floats, integers in range, no lone surrogates). */
export function jsonContent(value: { readonly [key: string]: unknown }, what = "content"): Result<JsonObject, Rejection> {
  const encoded = encodeCanonicalJson(value);
  if (!encoded.ok || !isJsonObject(value)) return err(badRequest(`${what} is not canonical JSON: ${encoded.ok ? "not an object" : encoded.error.reason}`));
  return ok(value as JsonObject);
}

/** The newest extremities first: a PDU may name at most 20 prev events. */
function choosePrevEvents(room: WorkingRoom): { prevEvents: string[]; depth: number } {
  const withDepth = room.forwardExtremities.map((id) => ({ id, depth: room.getEvent(id)?.event.pdu.depth ?? 0 }));
  withDepth.sort((a, b) => b.depth - a.depth || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const chosen = withDepth.slice(0, MAX_PREV_EVENTS);
  const depth = chosen.reduce((max, e) => Math.max(max, e.depth), 0) + 1;
  return { prevEvents: chosen.map((e) => e.id), depth };
}

/** The PDU before hashing and signing; shared with roomIdForCreateRoom, which must build the same create event. */
export function unsignedPdu(
  rules: RoomVersionRules,
  roomId: string,
  draft: EventDraft,
  place: { readonly prevEvents: readonly string[]; readonly authEvents: readonly string[]; readonly depth: number; readonly ts: number },
): JsonObject {
  const isV12Create = draft.type === "m.room.create" && rules.roomIdFromCreateEvent;
  const content: JsonObject =
    draft.redacts !== undefined && rules.redactsInContent ? { ...draft.content, redacts: draft.redacts } : draft.content;
  return {
    ...(isV12Create ? {} : { room_id: roomId }),
    sender: draft.sender,
    type: draft.type,
    ...(draft.stateKey === undefined ? {} : { state_key: draft.stateKey }),
    content,
    origin_server_ts: place.ts,
    prev_events: [...place.prevEvents],
    auth_events: [...place.authEvents],
    depth: place.depth,
    ...(draft.redacts !== undefined && !rules.redactsInContent ? { redacts: draft.redacts } : {}),
  };
}

export interface LocalEventOptions {
  readonly txn?: DecidedTxn;
  /** origin_server_ts when it must be fixed in advance (the v12 create event names the room). */
  readonly ts?: number;
}

/** Builds, signs and authorizes `draft` against the room's current state; on success it is appended to `room`. */
export function appendLocalEvent(
  room: WorkingRoom,
  draft: EventDraft,
  ctx: DecideContext,
  options: LocalEventOptions = {},
): Result<DecidedEvent, Rejection> {
  const { rules } = room;
  const { prevEvents, depth } = choosePrevEvents(room);
  const authEvents: string[] = [];
  for (const [type, stateKey] of selectAuthEventKeys(rules, { ...draft, state_key: draft.stateKey })) {
    const id = room.currentState.get(stateKeyString(type, stateKey));
    if (id !== undefined) authEvents.push(id);
  }
  const unsigned = unsignedPdu(room.rules, room.roomId, draft, { prevEvents, authEvents, depth, ts: options.ts ?? ctx.now });
  // Placeholders let the format check run before hashing, which needs canonical JSON to succeed.
  const format = checkPduFormat(rules, { ...unsigned, hashes: { sha256: "" }, signatures: {} });
  if (!format.ok) {
    const where = format.error.field === undefined ? "" : ` (${format.error.field})`;
    if (format.error.reason === "too_large") return err({ _tag: "TooLarge", reason: "event is over 65536 bytes" });
    return err(badRequest(`invalid event: ${format.error.reason}${where}`));
  }
  const signed = hashAndSignEvent(rules, unsigned, ctx.serverName, ctx.signingKey);
  // The hashes and signature add bytes: check the final size too.
  const final = checkPduFormat(rules, signed);
  if (!final.ok) return err({ _tag: "TooLarge", reason: "event with hashes and signature is over 65536 bytes" });
  const id = computeEventId(rules, signed);
  if (!id.ok) return err(badRequest(`cannot compute the event ID: ${id.error.reason}`));
  const event: RoomEvent = { eventId: id.value, pdu: signed as unknown as Pdu };

  const auth = authorizeEvent(rules, event, room.currentLookup(), { isSignedBy: (server) => server === ctx.serverName });
  if (!auth.ok) return err(forbidden(auth.error.rule, auth.error.reason));

  const stateBefore = room.currentState;
  const stateAfter = withEntry(stateBefore, event);
  const decided: DecidedEvent = {
    event,
    status: "accepted",
    stateDelta: singleEntryDelta(stateBefore, event),
    stateBefore,
    stateAfter,
    ...(options.txn === undefined ? {} : { txn: options.txn }),
  };
  const extremities = [...room.forwardExtremities.filter((e) => !prevEvents.includes(e)), event.eventId];
  room.append(decided, stateAfter, extremities);
  return ok(decided);
}
