// The initial events of POST /createRoom, in the order the spec prescribes, and the room ID they imply.
import { creatableRoomVersionRules } from "../protocol/creatable-room-versions";
import { computeContentHash } from "../protocol/content-hash";
import { roomIdFromCreateEvent } from "../protocol/event-id";
import { serverOf } from "../protocol/event-signing";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { stateKeyString } from "../protocol/pdu";
import { err, ok, type Result } from "../protocol/result";
import type { RoomVersionRules } from "../protocol/room-versions";
import { jsonContent, unsignedPdu, type EventDraft } from "./local-event";
import { badRequest, type Rejection } from "./rejection";
import type { CreateRoom, RoomPreset } from "./room-command";
import { upgradeRoomDrafts } from "./upgrade-room-plan";

interface PresetState {
  readonly joinRule: string;
  readonly historyVisibility: string;
  readonly guestAccess: string;
}

// The preset table of POST /createRoom.
const PRESETS: Record<RoomPreset, PresetState> = {
  private_chat: { joinRule: "invite", historyVisibility: "shared", guestAccess: "can_join" },
  trusted_private_chat: { joinRule: "invite", historyVisibility: "shared", guestAccess: "can_join" },
  public_chat: { joinRule: "public", historyVisibility: "shared", guestAccess: "forbidden" },
};

/** The preset named, or the one `visibility` implies (public → public_chat, otherwise private_chat). */
export const effectivePreset = (command: CreateRoom): RoomPreset =>
  command.preset ?? (command.visibility === "public" ? "public_chat" : "private_chat");

/** Room versions this server creates and holds: 3 and later (1 and 2 use another event shape). */
export function creatableRules(roomVersion: string): Result<RoomVersionRules, Rejection> {
  const rules = creatableRoomVersionRules(roomVersion);
  if (rules === undefined) return err({ _tag: "UnsupportedRoomVersion", reason: `room version ${roomVersion} is not supported` });
  return ok(rules);
}

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** The users to invite: each once, never the creator (already joined, and the auth rules would refuse it). */
const inviteesOf = (command: CreateRoom): string[] => unique(command.invite ?? []).filter((id) => id !== command.sender);

/** m.room.create content: creation_content, with `creator` (before v11) and `room_version` set by the server. */
function createContent(rules: RoomVersionRules, command: CreateRoom): Result<JsonObject, Rejection> {
  const extra = jsonContent(command.creationContent ?? {}, "creation_content");
  if (!extra.ok) return extra;
  const { creator: _creator, room_version: _version, ...rest } = extra.value;
  const content: Record<string, JsonValue> = { ...rest };
  if (!rules.creatorIsSender) content["creator"] = command.sender;
  content["room_version"] = rules.id;
  // v12: trusted_private_chat invitees become creators rather than getting power level 100.
  if (rules.privilegedCreators && effectivePreset(command) === "trusted_private_chat" && inviteesOf(command).length > 0) {
    const given = Array.isArray(rest["additional_creators"]) ? rest["additional_creators"] : [];
    if (!given.every((id): id is string => typeof id === "string")) return err(badRequest("additional_creators must be user IDs"));
    content["additional_creators"] = unique([...given, ...inviteesOf(command)]);
  }
  return ok(content);
}

/** The create event as the first draft; it alone decides a v12 room's ID. */
export function createEventDraft(rules: RoomVersionRules, command: CreateRoom): Result<EventDraft, Rejection> {
  const content = createContent(rules, command);
  if (!content.ok) return content;
  return ok({ type: "m.room.create", sender: command.sender, stateKey: "", content: content.value });
}

/**
 * The room ID a CreateRoom command will create: from v12 the reference hash of its create event
 * (which the signature does not affect, so no key is needed), before v12 the caller's `roomId`.
 */
export function roomIdForCreateRoom(command: Omit<CreateRoom, "roomId"> & { readonly roomId?: string }): Result<string, Rejection> {
  const rules = creatableRules(command.roomVersion);
  if (!rules.ok) return rules;
  if (!rules.value.roomIdFromCreateEvent) {
    return command.roomId === undefined ? err(badRequest("a room ID is needed before room version 12")) : ok(command.roomId);
  }
  const draft = createEventDraft(rules.value, { ...command, roomId: "" });
  if (!draft.ok) return draft;
  const pdu = unsignedPdu(rules.value, "", draft.value, { prevEvents: [], authEvents: [], depth: 1, ts: command.createTs });
  const hashable = jsonContent(pdu, "m.room.create");
  if (!hashable.ok) return hashable;
  return ok(roomIdFromCreateEvent(rules.value, { ...pdu, hashes: { sha256: computeContentHash(pdu) } }));
}

function powerLevelsContent(rules: RoomVersionRules, command: CreateRoom): Result<JsonObject, Rejection> {
  const preset = effectivePreset(command);
  const users: Record<string, JsonValue> = {};
  // Before v12 the creator is listed at 100; from v12 creators have infinite power and must not be listed.
  if (!rules.privilegedCreators) {
    users[command.sender] = 100;
    if (preset === "trusted_private_chat") for (const invitee of inviteesOf(command)) users[invitee] = 100;
  }
  const defaults: JsonObject = {
    users,
    users_default: 0,
    events: {
      "m.room.name": 50,
      "m.room.power_levels": 100,
      "m.room.history_visibility": 100,
      "m.room.canonical_alias": 50,
      "m.room.avatar": 50,
      // v12: tombstones must need more than state_default (the spec suggests 150).
      "m.room.tombstone": rules.privilegedCreators ? 150 : 100,
      "m.room.server_acl": 100,
      "m.room.encryption": 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    // Private rooms let any member invite; public rooms leave it to moderators.
    invite: preset === "public_chat" ? 50 : 0,
    historical: 100,
    notifications: { room: 50 },
  };
  const override = jsonContent(command.powerLevelContentOverride ?? {}, "power_level_content_override");
  if (!override.ok) return override;
  return ok({ ...defaults, ...override.value });
}

/** Every event createRoom sends, in the spec's order: create, join, power levels, alias, preset, initial_state, name, topic, invites. */
export function createRoomDrafts(rules: RoomVersionRules, command: CreateRoom): Result<EventDraft[], Rejection> {
  const { sender } = command;
  if (serverOf(sender) === undefined) return err(badRequest("sender is not a user ID"));
  const create = createEventDraft(rules, command);
  if (!create.ok) return create;
  if (command.upgrade !== undefined) {
    const defaults = powerLevelsContent(rules, command);
    if (!defaults.ok) return defaults;
    return upgradeRoomDrafts(rules, command, command.upgrade, create.value, defaults.value);
  }
  const drafts: EventDraft[] = [create.value];
  const state = (type: string, content: JsonObject, stateKey = ""): void => {
    drafts.push({ type, sender, stateKey, content });
  };

  const profile: Record<string, JsonValue> = { membership: "join" };
  if (command.displayname !== undefined) profile["displayname"] = command.displayname;
  if (command.avatarUrl !== undefined) profile["avatar_url"] = command.avatarUrl;
  state("m.room.member", profile, sender);

  const powerLevels = powerLevelsContent(rules, command);
  if (!powerLevels.ok) return powerLevels;
  state("m.room.power_levels", powerLevels.value);

  if (command.canonicalAlias !== undefined) state("m.room.canonical_alias", { alias: command.canonicalAlias });

  const initial: { type: string; stateKey: string; content: JsonObject }[] = [];
  for (const entry of command.initialState ?? []) {
    if (entry.type === "m.room.create") return err(badRequest("initial_state may not contain m.room.create"));
    const content = jsonContent(entry.content, `initial_state ${entry.type}`);
    if (!content.ok) return content;
    initial.push({ type: entry.type, stateKey: entry.stateKey ?? "", content: content.value });
  }
  // initial_state takes precedence over the preset, and name/topic over initial_state.
  const initialKeys = new Set(initial.map((e) => stateKeyString(e.type, e.stateKey)));
  const presetState = PRESETS[effectivePreset(command)];
  const fromPreset: [string, JsonObject][] = [
    ["m.room.join_rules", { join_rule: presetState.joinRule }],
    ["m.room.history_visibility", { history_visibility: presetState.historyVisibility }],
    ["m.room.guest_access", { guest_access: presetState.guestAccess }],
  ];
  for (const [type, content] of fromPreset) if (!initialKeys.has(stateKeyString(type, ""))) state(type, content);
  for (const e of initial) {
    const overridden =
      e.stateKey === "" &&
      ((e.type === "m.room.name" && command.name !== undefined) || (e.type === "m.room.topic" && command.topic !== undefined));
    if (!overridden) state(e.type, e.content, e.stateKey);
  }

  if (command.name !== undefined) state("m.room.name", { name: command.name });
  if (command.topic !== undefined) {
    state("m.room.topic", { topic: command.topic, "m.topic": { "m.text": [{ body: command.topic, mimetype: "text/plain" }] } });
  }
  for (const invitee of inviteesOf(command)) {
    state("m.room.member", { membership: "invite", ...(command.isDirect === true ? { is_direct: true } : {}) }, invitee);
  }
  return ok(drafts);
}
