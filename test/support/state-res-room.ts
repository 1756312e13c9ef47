// A room of hand-named events for state resolution tests: auth events are selected from the state each event builds on.
import type { JsonObject } from "../../src/protocol/json-value";
import { stateKeyString, type RoomEvent } from "../../src/protocol/pdu";
import { roomVersionRules, type RoomVersionRules } from "../../src/protocol/room-versions";
import { makeEvent } from "./events";

export const ALICE = "@alice:a.example";
export const BOB = "@bob:b.example";
export const CAROL = "@carol:c.example";
export const DAVE = "@dave:d.example";

export type StateMap = ReadonlyMap<string, string>;

export interface AddSpec {
  readonly type: string;
  readonly sender: string;
  readonly stateKey?: string;
  readonly content?: JsonObject;
  /** The event whose state-after this event builds on (its single prev event). */
  readonly after: string;
  /** Default: one more than the previous event added. */
  readonly ts?: number;
  /** Overrides the spec's auth events selection. */
  readonly authEvents?: readonly string[];
}

/** Power levels content in which state events need 50; `users` gives each user's level. */
export const powerContent = (users: JsonObject): JsonObject => ({
  users,
  users_default: 0,
  events: {},
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  redact: 50,
  invite: 0,
});

export class StateResRoom {
  readonly rules: RoomVersionRules;
  readonly roomId: string;
  readonly events = new Map<string, RoomEvent>();
  private readonly stateAfter = new Map<string, StateMap>();
  private ts = 0;

  /** Creates the room with event `$CREATE` sent by `creator`. */
  constructor(version: string, creator = ALICE, createContent: JsonObject = {}) {
    const rules = roomVersionRules(version);
    if (!rules) throw new Error(`unknown room version ${version}`);
    this.rules = rules;
    const v12 = rules.roomIdFromCreateEvent;
    this.roomId = v12 ? "!CREATE" : "!room:a.example";
    const content: JsonObject = { room_version: version, ...(rules.creatorIsSender ? {} : { creator }), ...createContent };
    const create = makeEvent(
      { id: "$CREATE", type: "m.room.create", sender: creator, stateKey: "", content, ts: this.ts, roomId: v12 ? null : this.roomId },
      this.roomId,
    );
    this.events.set(create.eventId, create);
    this.stateAfter.set(create.eventId, new Map([[stateKeyString("m.room.create", ""), create.eventId]]));
  }

  /** Adds event `id` on top of the state after `spec.after`; returns `id`. */
  add(id: string, spec: AddSpec): string {
    if (this.events.has(id)) throw new Error(`duplicate event ${id}`);
    const before = this.state(spec.after);
    const content = spec.content ?? {};
    this.ts = spec.ts ?? this.ts + 1;
    const prev = this.events.get(spec.after);
    const event = makeEvent(
      {
        id,
        type: spec.type,
        sender: spec.sender,
        ...(spec.stateKey === undefined ? {} : { stateKey: spec.stateKey }),
        content,
        prevEvents: [spec.after],
        authEvents: spec.authEvents ?? this.selectAuthEvents(spec, before),
        depth: (prev?.pdu.depth ?? 0) + 1,
        ts: this.ts,
      },
      this.roomId,
    );
    this.events.set(id, event);
    const after = new Map(before);
    if (spec.stateKey !== undefined) after.set(stateKeyString(spec.type, spec.stateKey), id);
    this.stateAfter.set(id, after);
    return id;
  }

  /** The state after event `id` (for state events, including the event itself). */
  state(id: string): StateMap {
    const state = this.stateAfter.get(id);
    if (!state) throw new Error(`unknown event ${id}`);
    return state;
  }

  /** A state map built by hand from (type, state_key, event ID) triples. */
  static stateOf(entries: ReadonlyArray<readonly [string, string, string]>): StateMap {
    return new Map(entries.map(([type, stateKey, id]) => [stateKeyString(type, stateKey), id]));
  }

  readonly fetch = (id: string): RoomEvent | undefined => this.events.get(id);

  member(id: string, after: string, sender: string, target: string, membership: string, ts?: number): string {
    return this.add(id, { type: "m.room.member", sender, stateKey: target, content: { membership }, after, ...(ts === undefined ? {} : { ts }) });
  }

  power(id: string, after: string, sender: string, users: JsonObject, ts?: number): string {
    return this.add(id, { type: "m.room.power_levels", sender, stateKey: "", content: powerContent(users), after, ...(ts === undefined ? {} : { ts }) });
  }

  joinRule(id: string, after: string, sender: string, rule: string, ts?: number): string {
    return this.add(id, { type: "m.room.join_rules", sender, stateKey: "", content: { join_rule: rule }, after, ...(ts === undefined ? {} : { ts }) });
  }

  topic(id: string, after: string, sender: string, topic: string, ts?: number): string {
    return this.add(id, { type: "m.room.topic", sender, stateKey: "", content: { topic }, after, ...(ts === undefined ? {} : { ts }) });
  }

  /** The spec's auth events selection (server-server API), against `before`. */
  private selectAuthEvents(spec: AddSpec, before: StateMap): string[] {
    const keys: Array<readonly [string, string]> = [];
    if (!this.rules.roomIdFromCreateEvent) keys.push(["m.room.create", ""]);
    keys.push(["m.room.power_levels", ""], ["m.room.member", spec.sender]);
    if (spec.type === "m.room.member" && spec.stateKey !== undefined) {
      keys.push(["m.room.member", spec.stateKey]);
      const membership = spec.content?.["membership"];
      if (membership === "join" || membership === "invite" || membership === "knock") keys.push(["m.room.join_rules", ""]);
    }
    const ids: string[] = [];
    for (const [type, stateKey] of keys) {
      const id = before.get(stateKeyString(type, stateKey));
      if (id !== undefined && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }
}

/**
 * The usual start of a room: creator's join, power levels (the creator at 100 before v12, and
 * `users`), a join rule, then each of `joiners` joining. Returns the last event's ID.
 */
export function standardStart(
  room: StateResRoom,
  users: JsonObject = {},
  joiners: readonly string[] = [],
  rule = "public",
  creator = ALICE,
): string {
  let last = room.member("$IMA", "$CREATE", creator, creator, "join");
  const creatorLevel = room.rules.privilegedCreators ? {} : { [creator]: 100 };
  last = room.power("$IPOWER", last, creator, { ...creatorLevel, ...users });
  last = room.joinRule("$IJR", last, creator, rule);
  joiners.forEach((user, i) => {
    last = room.member(`$IM${i}`, last, user, user, "join");
  });
  return last;
}
