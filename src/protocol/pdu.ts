// The persistent data unit (room event) as it travels between servers, room versions 3 and later.
import type { JsonObject } from "./json-value";

export interface Pdu {
  readonly room_id?: string; // absent only on a v12 m.room.create
  readonly sender: string;
  readonly origin?: string; // legacy top-level key, still present on many events
  readonly origin_server_ts: number;
  readonly type: string;
  readonly state_key?: string;
  readonly content: JsonObject;
  readonly prev_events: readonly string[];
  readonly auth_events: readonly string[];
  readonly depth: number;
  readonly hashes: { readonly sha256: string };
  readonly signatures: { readonly [server: string]: { readonly [keyId: string]: string } };
  readonly unsigned?: JsonObject;
  readonly redacts?: string; // top-level in room versions before 11
  readonly [key: string]: unknown;
}

/** An event together with its ID, the shape the auth rules and state resolution work on. */
export interface RoomEvent {
  readonly eventId: string;
  readonly pdu: Pdu;
}

/** The key of a state entry: its type and state key. */
export type StateKey = readonly [type: string, stateKey: string];
/** Encodes a (type, state_key) pair as one Map key; injective for any strings. */
export const stateKeyString = (type: string, stateKey: string): string => JSON.stringify([type, stateKey]);
