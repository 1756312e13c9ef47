// Room upgrades (client-server "Room Upgrades"), the pure part: who may upgrade, what is copied, how the old room is closed.
import { hasAtLeast, parsePowerLevelValue, powerLevelsFromContent, requiredPowerLevel, roomPowerFromState, userPowerLevel } from "./auth/power-levels";
import type { StateLookup } from "./auth/auth-types";
import { isJsonObject, type JsonObject, type JsonValue } from "./json-value";
import type { RoomEvent } from "./pdu";
import type { RoomVersionRules } from "./room-versions";

/** The spec's recommended transferable state, plus the canonical alias (its local aliases move with the room). */
export const TRANSFERABLE_STATE_TYPES = [
  "m.room.server_acl",
  "m.room.encryption",
  "m.room.name",
  "m.room.avatar",
  "m.room.topic",
  "m.room.guest_access",
  "m.room.history_visibility",
  "m.room.join_rules",
  "m.room.canonical_alias",
] as const;

export type UpgradeRefusal = "not_joined" | "no_tombstone_power";

/** Step 1 of "Server behaviour": the user must be able to send m.room.tombstone in the old room. */
export function upgradeRefusal(rules: RoomVersionRules, state: StateLookup, userId: string): UpgradeRefusal | undefined {
  const member = state("m.room.member", userId);
  if (member?.pdu.content["membership"] !== "join") return "not_joined";
  const power = roomPowerFromState(rules, state);
  const needed = requiredPowerLevel(power.levels, "m.room.tombstone", true);
  return hasAtLeast(userPowerLevel(power, userId), needed) ? undefined : "no_tombstone_power";
}

export interface CopiedState {
  readonly type: string;
  readonly stateKey: string;
  readonly content: JsonObject;
}

/**
 * The state the replacement room starts with, in the listed order. Membership is never copied (a
 * server cannot speak for other servers' users). A space's children are copied too, so the space
 * keeps its rooms. Removed state (empty content) stays behind.
 */
export function transferableState(state: readonly RoomEvent[]): CopiedState[] {
  const byType = new Map<string, RoomEvent[]>();
  for (const event of state) {
    const list = byType.get(event.pdu.type) ?? [];
    list.push(event);
    byType.set(event.pdu.type, list);
  }
  const out: CopiedState[] = [];
  const copy = (event: RoomEvent): void => {
    if (event.pdu.state_key === undefined || Object.keys(event.pdu.content).length === 0) return;
    out.push({ type: event.pdu.type, stateKey: event.pdu.state_key, content: event.pdu.content });
  };
  for (const type of TRANSFERABLE_STATE_TYPES) {
    const event = byType.get(type)?.find((e) => e.pdu.state_key === "");
    if (event !== undefined) copy(event);
  }
  const create = byType.get("m.room.create")?.[0];
  if (create?.pdu.content["type"] === "m.space") {
    const children = [...(byType.get("m.space.child") ?? [])].sort((a, b) => ((a.pdu.state_key ?? "") < (b.pdu.state_key ?? "") ? -1 : 1));
    for (const child of children) copy(child);
  }
  return out;
}

/**
 * The replacement room's m.room.create content: `predecessor` (its `event_id` the old room's last
 * event, left out from v12 where the spec lets it be omitted), the old room's `type`, `m.federate:
 * false` when the old room had it, and from v12 the `additional_creators` the upgrader named
 * (creators are not carried over on their own, per the spec).
 */
export function upgradeCreationContent(
  oldCreate: RoomEvent | undefined,
  newRules: RoomVersionRules,
  predecessor: { readonly roomId: string; readonly lastEventId: string | undefined },
  additionalCreators: readonly string[] | undefined,
): JsonObject {
  const content: Record<string, JsonValue> = {
    predecessor:
      newRules.roomIdFromCreateEvent || predecessor.lastEventId === undefined
        ? { room_id: predecessor.roomId }
        : { room_id: predecessor.roomId, event_id: predecessor.lastEventId },
  };
  const type = oldCreate?.pdu.content["type"];
  if (typeof type === "string") content["type"] = type;
  if (oldCreate?.pdu.content["m.federate"] === false) content["m.federate"] = false;
  if (additionalCreators !== undefined && additionalCreators.length > 0) content["additional_creators"] = [...additionalCreators];
  return content;
}

/**
 * The old power levels for the replacement room. Creators of a v12 room hold no entry (their power
 * is infinite); in a replacement room of an earlier version they would fall to `users_default`,
 * so they are listed at 100, the creator level of those versions.
 */
export function carriedPowerLevels(oldRules: RoomVersionRules, newRules: RoomVersionRules, state: StateLookup): JsonObject | undefined {
  const stored = state("m.room.power_levels", "")?.pdu.content;
  if (stored === undefined) return undefined;
  const content = newRules.integerPowerLevels && !oldRules.integerPowerLevels ? integerLevels(oldRules, stored) : stored;
  if (!oldRules.privilegedCreators || newRules.privilegedCreators) return content;
  const creators = roomPowerFromState(oldRules, state).creators;
  const users: Record<string, JsonValue> = isJsonObject(content["users"]) ? { ...content["users"] } : {};
  for (const creator of creators) {
    const listed = parsePowerLevelValue(oldRules, users[creator]);
    if (listed === undefined || listed < 100) users[creator] = 100;
  }
  return { ...content, users };
}

const LEVEL_FIELDS = ["users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"];
const LEVEL_MAPS = ["users", "events", "notifications"];

/**
 * Before v10 a level may be a string holding an integer (or a float); from v10 only integers pass
 * the auth rules. Each value becomes the integer it was read as; values that never counted are dropped.
 */
function integerLevels(rules: RoomVersionRules, content: JsonObject): JsonObject {
  const out: Record<string, JsonValue> = { ...content };
  for (const field of LEVEL_FIELDS) {
    if (!(field in content)) continue;
    const level = parsePowerLevelValue(rules, content[field]);
    if (level === undefined) delete out[field];
    else out[field] = level;
  }
  for (const field of LEVEL_MAPS) {
    const map = content[field];
    if (!isJsonObject(map)) continue;
    const levels: Record<string, JsonValue> = {};
    for (const [key, value] of Object.entries(map)) {
      const level = parsePowerLevelValue(rules, value);
      if (level !== undefined) levels[key] = level;
    }
    out[field] = levels;
  }
  return out;
}

/**
 * Step 6: the old room's power levels with `events_default` and `invite` raised to the greater of
 * 50 and `users_default + 1`, so ordinary members can neither talk nor invite. Undefined when they
 * already are at least that (nothing to send) or the room has no power levels event.
 */
export function restrictedOldPowerLevels(rules: RoomVersionRules, state: StateLookup): JsonObject | undefined {
  // Without a power levels event the creator's level is implied; a first event naming no users would take it away.
  const content = state("m.room.power_levels", "")?.pdu.content;
  if (content === undefined) return undefined;
  const levels = powerLevelsFromContent(rules, content);
  const restricted = Math.max(50, levels.usersDefault + 1);
  if (levels.eventsDefault >= restricted && levels.invite >= restricted) return undefined;
  return {
    ...content,
    events_default: Math.max(levels.eventsDefault, restricted),
    invite: Math.max(levels.invite, restricted),
  };
}
