// Hashed and signed events with fixed server keys, for tests of the checks on receipt of a PDU.
import type { KeyLookup } from "../../src/protocol/event-signing";
import { hashAndSignEvent, signEvent } from "../../src/protocol/event-signing";
import { computeEventId } from "../../src/protocol/event-id";
import type { JsonObject } from "../../src/protocol/json-value";
import type { Pdu, RoomEvent } from "../../src/protocol/pdu";
import type { RoomVersionRules } from "../../src/protocol/room-versions";
import { publicKeyFromSeed, type SigningKey } from "../../src/protocol/signing";

export const SERVER_KEYS: Record<string, SigningKey> = {
  "a.example": { keyId: "ed25519:a1", seed: new Uint8Array(32).fill(1) },
  "b.example": { keyId: "ed25519:b1", seed: new Uint8Array(32).fill(2) },
  "c.example": { keyId: "ed25519:c1", seed: new Uint8Array(32).fill(3) },
};

/** Knows every key in SERVER_KEYS. */
export const lookupKnownKey: KeyLookup = (server, keyId) => {
  const key = SERVER_KEYS[server];
  return key && key.keyId === keyId ? { publicKey: publicKeyFromSeed(key.seed) } : undefined;
};

export interface SignedEvent {
  readonly raw: JsonObject;
  readonly event: RoomEvent;
}

const serverOf = (userId: string): string => userId.slice(userId.indexOf(":") + 1);

/** Hashes and signs `fields` as the sender's server, then as each of `alsoSignedBy`. */
export function signedEvent(rules: RoomVersionRules, fields: JsonObject, alsoSignedBy: readonly string[] = []): SignedEvent {
  const sender = fields["sender"] as string;
  const base: JsonObject = { origin_server_ts: 1700000000000, depth: 1, prev_events: [], auth_events: [], content: {}, ...fields };
  let raw = hashAndSignEvent(rules, base, serverOf(sender), SERVER_KEYS[serverOf(sender)]!);
  for (const server of alsoSignedBy) raw = signEvent(rules, raw, server, SERVER_KEYS[server]!);
  return { raw, event: asEvent(rules, raw) };
}

/** The RoomEvent for a raw PDU (ID computed per room version). */
export function asEvent(rules: RoomVersionRules, raw: JsonObject): RoomEvent {
  const id = computeEventId(rules, raw);
  if (!id.ok) throw new Error(`cannot compute event ID: ${id.error.reason}`);
  return { eventId: id.value, pdu: raw as unknown as Pdu };
}
