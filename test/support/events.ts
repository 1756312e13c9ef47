// Unsigned events for tests of rules that do not look at hashes or signatures (auth, state-res).
import type { JsonObject } from "../../src/protocol/json-value";
import type { Pdu, RoomEvent } from "../../src/protocol/pdu";

export interface EventSpec {
  readonly id: string;
  readonly type: string;
  readonly sender: string;
  readonly stateKey?: string;
  readonly content?: JsonObject;
  readonly prevEvents?: readonly string[];
  readonly authEvents?: readonly string[];
  readonly depth?: number;
  readonly ts?: number;
  readonly roomId?: string | null; // null: no room_id (a v12 create event)
}

/** Builds a RoomEvent with the given ID; hashes and signatures are placeholders. */
export function makeEvent(spec: EventSpec, defaultRoomId = "!room:example.org"): RoomEvent {
  const pdu: Pdu = {
    ...(spec.roomId === null ? {} : { room_id: spec.roomId ?? defaultRoomId }),
    sender: spec.sender,
    origin_server_ts: spec.ts ?? 0,
    type: spec.type,
    ...(spec.stateKey === undefined ? {} : { state_key: spec.stateKey }),
    content: spec.content ?? {},
    prev_events: spec.prevEvents ?? [],
    auth_events: spec.authEvents ?? [],
    depth: spec.depth ?? 1,
    hashes: { sha256: "" },
    signatures: {},
  };
  return { eventId: spec.id, pdu };
}
