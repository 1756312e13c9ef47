// Builds rooms of correctly hashed and signed events with fixed per-server keys, for protocol tests (room versions 3+).
import { sha256 } from "@noble/hashes/sha2.js";
import { computeEventId, roomIdFromCreateEvent } from "../../src/protocol/event-id";
import { hashAndSignEvent, serverOf, signEvent, type KeyLookup } from "../../src/protocol/event-signing";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/protocol/json-value";
import { stateKeyString, type Pdu, type RoomEvent } from "../../src/protocol/pdu";
import { roomVersionRules, type RoomVersionRules } from "../../src/protocol/room-versions";
import { publicKeyFromSeed, type SigningKey } from "../../src/protocol/signing";

export const TEST_KEY_ID = "ed25519:test";

const keyCache = new Map<string, { key: SigningKey; publicKey: Uint8Array }>();
function keyFor(serverName: string): { key: SigningKey; publicKey: Uint8Array } {
  let entry = keyCache.get(serverName);
  if (!entry) {
    // The seed is sha256(server name), so every test run (and any other tool) derives the same keys.
    const seed = sha256(new TextEncoder().encode(serverName));
    entry = { key: { keyId: TEST_KEY_ID, seed }, publicKey: publicKeyFromSeed(seed) };
    keyCache.set(serverName, entry);
  }
  return entry;
}

/** The fixed signing key of `serverName` in tests. */
export const testSigningKey = (serverName: string): SigningKey => keyFor(serverName).key;

/** Resolves the fixed test key of any server (no expiry); unknown key IDs are not found. */
export const testKeyLookup: KeyLookup = (serverName, keyId) =>
  keyId === TEST_KEY_ID ? { publicKey: keyFor(serverName).publicKey } : undefined;

/** Room state: stateKeyString(type, state_key) → event ID. */
export type StateMap = ReadonlyMap<string, string>;

export interface RoomBuilderOptions {
  /** Room version ID, "3" to "12". */
  readonly version: string;
  readonly creator: string;
  /** Room ID for versions before 12 (default `!room:<creator's server>`); v12 derives it from the create event. */
  readonly roomId?: string;
  /** Extra m.room.create content (e.g. additional_creators). */
  readonly createContent?: JsonObject;
  /** m.room.power_levels content (default: creator at 100 before v12, no users in v12). */
  readonly powerLevels?: JsonObject;
  /** m.room.join_rules join_rule (default "public"). */
  readonly joinRule?: string;
  /** origin_server_ts of the create event; each later event is 1 ms after the previous one. */
  readonly startTs?: number;
}

export interface SendSpec {
  readonly type: string;
  readonly sender: string;
  readonly stateKey?: string;
  readonly content: JsonObject;
  /** Default: the room's current forward extremities. */
  readonly prevEvents?: readonly string[];
  /**
   * The state the event is built on, for its auth events and the state after it. Default: the state
   * after the single prev event, or for several prev events their states overlaid in order (a naive
   * merge, not state resolution: pass this explicitly when a test depends on resolved state).
   */
  readonly stateBefore?: StateMap;
  /** Overrides the spec's auth events selection. */
  readonly authEvents?: readonly string[];
  readonly ts?: number;
  /** The redacted event for m.room.redaction (top-level before v11, in content from v11). */
  readonly redacts?: string;
  /** Servers that co-sign besides the sender's (join_authorised_via_users_server's server is added automatically). */
  readonly extraSigners?: readonly string[];
  /** Extra top-level fields, e.g. to build malformed events. */
  readonly extra?: JsonObject;
}

export class RoomBuilder {
  readonly rules: RoomVersionRules;
  readonly roomId!: string;
  readonly keyLookup: KeyLookup = testKeyLookup;
  /** Every event in the order it was built. */
  readonly events: RoomEvent[] = [];
  readonly createEvent: RoomEvent;
  private readonly byId = new Map<string, RoomEvent>();
  private readonly stateAfterById = new Map<string, StateMap>();
  private readonly extremities: string[] = [];
  private nextTs: number;

  constructor(options: RoomBuilderOptions) {
    const rules = roomVersionRules(options.version);
    if (!rules) throw new Error(`unknown room version ${options.version}`);
    if (rules.eventIdFormat === "v1") throw new Error("RoomBuilder builds room versions 3 and later (the Pdu shape)");
    this.rules = rules;
    this.nextTs = options.startTs ?? 1_700_000_000_000;
    const creatorServer = serverOf(options.creator);
    if (!creatorServer) throw new Error(`bad creator ${options.creator}`);

    const createContent: JsonObject = {
      ...(rules.creatorIsSender ? {} : { creator: options.creator }),
      room_version: rules.id,
      ...options.createContent,
    };
    // v12 rooms take their ID from the create event, which therefore carries no room_id.
    if (!rules.roomIdFromCreateEvent) this.roomId = options.roomId ?? `!room:${creatorServer}`;
    this.createEvent = this.send({ type: "m.room.create", sender: options.creator, stateKey: "", content: createContent, prevEvents: [] });
    if (rules.roomIdFromCreateEvent) this.roomId = roomIdFromCreateEvent(rules, this.createEvent.pdu as unknown as JsonObject);

    this.send({ type: "m.room.member", sender: options.creator, stateKey: options.creator, content: { membership: "join" } });
    const users: JsonObject = rules.privilegedCreators ? {} : { [options.creator]: 100 };
    this.send({
      type: "m.room.power_levels",
      sender: options.creator,
      stateKey: "",
      content: options.powerLevels ?? {
        users,
        users_default: 0,
        events: {},
        events_default: 0,
        state_default: 50,
        ban: 50,
        kick: 50,
        redact: 50,
        invite: 0,
      },
    });
    this.send({ type: "m.room.join_rules", sender: options.creator, stateKey: "", content: { join_rule: options.joinRule ?? "public" } });
  }

  /** Builds, hashes and signs an event, records it, and returns it with its ID. */
  send(spec: SendSpec): RoomEvent {
    const prevEvents = spec.prevEvents ?? [...this.extremities];
    const stateBefore = spec.stateBefore ?? this.mergedState(prevEvents);
    const authEvents = spec.authEvents ?? this.selectAuthEvents(spec, stateBefore);
    let depth = 0;
    for (const id of prevEvents) depth = Math.max(depth, this.get(id).pdu.depth);
    const unsigned = this.buildPdu(spec, prevEvents, authEvents, depth + 1, spec.ts);

    const senderServer = serverOf(spec.sender);
    if (!senderServer) throw new Error(`bad sender ${spec.sender}`);
    let pdu = hashAndSignEvent(this.rules, unsigned, senderServer, testSigningKey(senderServer));
    const signers = new Set(spec.extraSigners ?? []);
    const via = spec.content["join_authorised_via_users_server"];
    if (this.rules.restrictedJoins && spec.type === "m.room.member" && typeof via === "string") {
      const viaServer = serverOf(via);
      if (viaServer) signers.add(viaServer);
    }
    signers.delete(senderServer);
    for (const server of signers) pdu = signEvent(this.rules, pdu, server, testSigningKey(server));

    const id = computeEventId(this.rules, pdu);
    if (!id.ok) throw new Error(`cannot compute event ID: ${id.error.reason}`);
    const event: RoomEvent = { eventId: id.value, pdu: pdu as unknown as Pdu };
    this.record(event, prevEvents, stateBefore);
    return event;
  }

  /** The event with this ID (throws if the builder did not make it). */
  get(eventId: string): RoomEvent {
    const e = this.byId.get(eventId);
    if (!e) throw new Error(`unknown event ${eventId}`);
    return e;
  }

  /** State after `eventId`, or by default after the current forward extremities (merged naively if several). */
  state(eventId?: string): StateMap {
    if (eventId !== undefined) {
      const s = this.stateAfterById.get(eventId);
      if (!s) throw new Error(`unknown event ${eventId}`);
      return s;
    }
    return this.mergedState(this.extremities);
  }

  /** Events that no built event lists as a prev event yet. */
  forwardExtremities(): readonly string[] {
    return [...this.extremities];
  }

  /** The event ID in `state` for (type, stateKey), if any. */
  stateEvent(type: string, stateKey: string, state: StateMap = this.state()): RoomEvent | undefined {
    const id = state.get(stateKeyString(type, stateKey));
    return id === undefined ? undefined : this.get(id);
  }

  private buildPdu(spec: SendSpec, prevEvents: readonly string[], authEvents: readonly string[], depth: number, ts: number | undefined): JsonObject {
    const isV12Create = spec.type === "m.room.create" && this.rules.roomIdFromCreateEvent;
    const content: Record<string, JsonValue> = { ...spec.content };
    const top: Record<string, JsonValue> = {};
    if (spec.redacts !== undefined) {
      if (this.rules.redactsInContent) content["redacts"] = spec.redacts;
      else top["redacts"] = spec.redacts;
    }
    const timestamp = ts ?? this.nextTs;
    this.nextTs = Math.max(this.nextTs, timestamp + 1);
    return {
      ...(isV12Create ? {} : { room_id: this.roomId }),
      sender: spec.sender,
      type: spec.type,
      ...(spec.stateKey === undefined ? {} : { state_key: spec.stateKey }),
      content,
      origin_server_ts: timestamp,
      prev_events: [...prevEvents],
      auth_events: [...authEvents],
      depth,
      ...top,
      ...spec.extra,
    };
  }

  /** Auth events selection (server-server "Auth events selection"). */
  private selectAuthEvents(spec: SendSpec, state: StateMap): string[] {
    if (spec.type === "m.room.create") return [];
    const out: string[] = [];
    const add = (type: string, stateKey: string) => {
      const id = state.get(stateKeyString(type, stateKey));
      if (id !== undefined && !out.includes(id)) out.push(id);
    };
    if (!this.rules.roomIdFromCreateEvent) add("m.room.create", "");
    add("m.room.power_levels", "");
    add("m.room.member", spec.sender);
    if (spec.type === "m.room.member" && spec.stateKey !== undefined) {
      add("m.room.member", spec.stateKey);
      const membership = spec.content["membership"];
      if (membership === "join" || membership === "invite" || membership === "knock") add("m.room.join_rules", "");
      const tpi = spec.content["third_party_invite"];
      if (membership === "invite" && isJsonObject(tpi) && isJsonObject(tpi["signed"])) {
        const token = tpi["signed"]["token"];
        if (typeof token === "string") add("m.room.third_party_invite", token);
      }
      const via = spec.content["join_authorised_via_users_server"];
      if (membership === "join" && this.rules.restrictedJoins && typeof via === "string") add("m.room.member", via);
    }
    return out;
  }

  private mergedState(prevEvents: readonly string[]): StateMap {
    const merged = new Map<string, string>();
    for (const id of prevEvents) for (const [k, v] of this.state(id)) merged.set(k, v);
    return merged;
  }

  private record(event: RoomEvent, prevEvents: readonly string[], stateBefore: StateMap): void {
    if (this.byId.has(event.eventId)) throw new Error(`duplicate event ${event.eventId}`);
    this.events.push(event);
    this.byId.set(event.eventId, event);
    const after = new Map(stateBefore);
    if (event.pdu.state_key !== undefined) after.set(stateKeyString(event.pdu.type, event.pdu.state_key), event.eventId);
    this.stateAfterById.set(event.eventId, after);
    for (const prev of prevEvents) {
      const i = this.extremities.indexOf(prev);
      if (i >= 0) this.extremities.splice(i, 1);
    }
    this.extremities.push(event.eventId);
  }
}
