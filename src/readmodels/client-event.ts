// The client-server event format: what a logged PDU looks like to a client (redacted when redacted).
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { isJsonObject } from "../protocol/json-value";
import { redactEvent } from "../protocol/redaction";
import { roomVersionRules } from "../protocol/room-versions";
import type { EventRow } from "./event-rows";

export type ClientEvent = JsonObject;

export interface ClientEventOptions {
  readonly roomVersion: string;
  /** Redaction events and replaced state events the rows point at. */
  readonly related: ReadonlyMap<string, EventRow>;
  readonly now: number;
  /** The requesting user and device: a transaction ID is shown only to the device that sent it. */
  readonly viewer?: { readonly userId: string; readonly deviceId?: string };
  /** /sync omits `room_id` inside a room's section; /messages includes it. */
  readonly includeRoomId: boolean;
  /** Bundled aggregations (`unsigned["m.relations"]`) by event ID, from readmodels/relations-aggregation. */
  readonly aggregations?: ReadonlyMap<string, JsonObject>;
}

// The keys of the client format; everything else in a PDU (hashes, signatures, prev_events, …) is
// federation detail. `redacts` stays top-level for redaction events of rooms before v11.
const CLIENT_KEYS = ["type", "sender", "origin_server_ts", "state_key", "redacts"] as const;

function shownPdu(row: EventRow, roomVersion: string): JsonObject {
  const pdu = JSON.parse(row.event_json) as JsonObject;
  const rules = roomVersionRules(roomVersion);
  const shown = row.redacted_because !== null && rules !== undefined ? redactEvent(rules, pdu) : pdu;
  return shown;
}

/**
 * Room v11 moved `redacts` from the top level into `content`. Clients read either place (matrix-js-sdk
 * 37 only the top level), so served redactions carry it in both, whatever the room version
 * (spec rooms/v11, "Moving the redacts property").
 */
function redactsInBothPlaces(content: JsonObject, topLevel: JsonValue | undefined): { redacts?: string; content: JsonObject } {
  const inContent = content["redacts"];
  const target = typeof topLevel === "string" ? topLevel : typeof inContent === "string" ? inContent : undefined;
  if (target === undefined) return { content };
  return { redacts: target, content: inContent === undefined ? { ...content, redacts: target } : content };
}

export function formatClientEvent(row: EventRow, options: ClientEventOptions): ClientEvent {
  const pdu = shownPdu(row, options.roomVersion);
  const out: Record<string, JsonValue> = { event_id: row.event_id };
  for (const key of CLIENT_KEYS) {
    const value = pdu[key];
    if (value !== undefined) out[key] = value;
  }
  out["content"] = isJsonObject(pdu["content"]) ? pdu["content"] : {};
  if (pdu["type"] === "m.room.redaction") Object.assign(out, redactsInBothPlaces(out["content"] as JsonObject, pdu["redacts"]));
  if (options.includeRoomId) out["room_id"] = row.room_id;

  const unsigned: Record<string, JsonValue> = { age: Math.max(0, options.now - row.origin_server_ts) };
  const viewer = options.viewer;
  if (
    row.txn_id !== null &&
    viewer !== undefined &&
    viewer.userId === row.txn_user_id &&
    viewer.deviceId !== undefined &&
    viewer.deviceId === row.txn_device_id
  ) {
    unsigned["transaction_id"] = row.txn_id;
  }
  const replaced = row.replaces_event_id === null ? undefined : options.related.get(row.replaces_event_id);
  if (replaced !== undefined && row.state_key !== null) {
    const previous = shownPdu(replaced, options.roomVersion)["content"];
    if (isJsonObject(previous)) unsigned["prev_content"] = previous;
  }
  const redaction = row.redacted_because === null ? undefined : options.related.get(row.redacted_because);
  if (redaction !== undefined) {
    // The redaction event itself, in the same format, without its own unsigned relations.
    unsigned["redacted_because"] = formatClientEvent(
      { ...redaction, replaces_event_id: null, redacted_because: null },
      { ...options, related: new Map(), aggregations: undefined },
    );
  }
  const bundled = options.aggregations?.get(row.event_id);
  if (bundled !== undefined) unsigned["m.relations"] = bundled;
  out["unsigned"] = unsigned;
  return out;
}

/**
 * The `federation` event format a filter may ask for: the PDU as the server holds it (redacted
 * when redacted), with the same `unsigned` the client format carries.
 */
export function formatFederationEvent(row: EventRow, options: ClientEventOptions): JsonObject {
  const unsigned = formatClientEvent(row, options)["unsigned"];
  return { ...shownPdu(row, options.roomVersion), ...(isJsonObject(unsigned) ? { unsigned } : {}) };
}
