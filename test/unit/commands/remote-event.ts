// Builds signed events as a remote server would, on top of events a room already holds (for IngestPdu tests).
import { selectAuthEventKeys } from "../../../src/protocol/auth/auth-events-selection";
import { computeEventId } from "../../../src/protocol/event-id";
import { hashAndSignEvent, serverOf } from "../../../src/protocol/event-signing";
import type { JsonObject } from "../../../src/protocol/json-value";
import { stateKeyString, type Pdu, type RoomEvent } from "../../../src/protocol/pdu";
import type { RoomVersionRules } from "../../../src/protocol/room-versions";
import { testSigningKey } from "../../support/room-builder";

export interface RemoteSpec {
  readonly type: string;
  readonly sender: string;
  readonly stateKey?: string;
  readonly content: JsonObject;
  readonly prevEvents: readonly RoomEvent[];
  /** The state the event's auth events are chosen from (stateKeyString → event ID). */
  readonly state: ReadonlyMap<string, string>;
  readonly ts: number;
}

export function remoteEvent(rules: RoomVersionRules, roomId: string, spec: RemoteSpec): RoomEvent {
  const server = serverOf(spec.sender);
  if (server === undefined) throw new Error(`bad sender ${spec.sender}`);
  const authEvents: string[] = [];
  for (const [type, stateKey] of selectAuthEventKeys(rules, { ...spec, state_key: spec.stateKey })) {
    const id = spec.state.get(stateKeyString(type, stateKey));
    if (id !== undefined) authEvents.push(id);
  }
  const pdu: JsonObject = {
    room_id: roomId,
    sender: spec.sender,
    type: spec.type,
    ...(spec.stateKey === undefined ? {} : { state_key: spec.stateKey }),
    content: spec.content,
    origin_server_ts: spec.ts,
    prev_events: spec.prevEvents.map((e) => e.eventId),
    auth_events: authEvents,
    depth: Math.max(0, ...spec.prevEvents.map((e) => e.pdu.depth)) + 1,
  };
  const signed = hashAndSignEvent(rules, pdu, server, testSigningKey(server));
  const id = computeEventId(rules, signed);
  if (!id.ok) throw new Error("cannot compute event ID");
  return { eventId: id.value, pdu: signed as unknown as Pdu };
}
