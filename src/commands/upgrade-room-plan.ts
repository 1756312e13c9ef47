// The initial events of a room upgrade's replacement room: the old room's state instead of a preset.
import { powerLevelsFromContent } from "../protocol/auth/power-levels";
import { isJsonObject, type JsonObject, type JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import type { RoomVersionRules } from "../protocol/room-versions";
import { jsonContent, type EventDraft } from "./local-event";
import { badRequest, type Rejection } from "./rejection";
import type { CreateRoom, RoomUpgradeState } from "./room-command";

// Events the plan writes itself: the create event, the upgrader's join and the power levels.
const NOT_COPIED = new Set(["m.room.create", "m.room.member", "m.room.power_levels"]);

/** The createRoom fields an upgrade replaces with the old room's state. */
const PRESET_FIELDS = ["preset", "initialState", "name", "topic", "invite", "powerLevelContentOverride", "canonicalAlias", "isDirect"] as const;

/** v12 creators may not be listed in `users` (their power is infinite and fixed by the create event). */
function withoutCreators(content: JsonObject, creators: readonly string[]): JsonObject {
  const users = content["users"];
  if (creators.length === 0 || !isJsonObject(users)) return content;
  const kept: Record<string, JsonValue> = {};
  for (const [user, level] of Object.entries(users)) if (!creators.includes(user)) kept[user] = level;
  return { ...content, users: kept };
}

/**
 * The level the upgrader needs to send every copied event and then the real power levels. Before
 * v12 the upgrader may hold less (e.g. only the tombstone level): they get it for the copy and the
 * old room's levels are restored after, as the last initial event.
 */
function neededLevel(rules: RoomVersionRules, content: JsonObject, state: readonly { readonly type: string }[]): number {
  const levels = powerLevelsFromContent(rules, content);
  let needed = levels.events.get("m.room.power_levels") ?? levels.stateDefault;
  for (const e of state) needed = Math.max(needed, levels.events.get(e.type) ?? levels.stateDefault);
  return needed;
}

/**
 * create, the upgrader's join, power levels, the copied state in order, and (when the upgrader was
 * raised for the copy) the old room's power levels once more. `defaultPowerLevels` applies when the
 * old room had no power levels event.
 */
export function upgradeRoomDrafts(
  rules: RoomVersionRules,
  command: CreateRoom,
  upgrade: RoomUpgradeState,
  create: EventDraft,
  defaultPowerLevels: JsonObject,
): Result<EventDraft[], Rejection> {
  const { sender } = command;
  for (const field of PRESET_FIELDS) {
    if (command[field] !== undefined) return err(badRequest(`an upgrade copies the old room's state; ${field} does not apply`));
  }
  const drafts: EventDraft[] = [create];
  const profile: Record<string, JsonValue> = { membership: "join" };
  if (command.displayname !== undefined) profile["displayname"] = command.displayname;
  if (command.avatarUrl !== undefined) profile["avatar_url"] = command.avatarUrl;
  drafts.push({ type: "m.room.member", sender, stateKey: sender, content: profile });

  const copied: EventDraft[] = [];
  for (const entry of upgrade.state) {
    if (NOT_COPIED.has(entry.type)) return err(badRequest(`an upgrade does not copy ${entry.type} as state`));
    const content = jsonContent(entry.content, `copied state ${entry.type}`);
    if (!content.ok) return content;
    copied.push({ type: entry.type, sender, stateKey: entry.stateKey ?? "", content: content.value });
  }

  let powerLevels = defaultPowerLevels;
  if (upgrade.powerLevels !== undefined) {
    const given = jsonContent(upgrade.powerLevels, "power levels");
    if (!given.ok) return given;
    powerLevels = given.value;
  }
  if (rules.privilegedCreators) {
    const additional = create.content["additional_creators"];
    const creators = [sender, ...(Array.isArray(additional) ? additional.filter((id): id is string => typeof id === "string") : [])];
    powerLevels = withoutCreators(powerLevels, creators);
    drafts.push({ type: "m.room.power_levels", sender, stateKey: "", content: powerLevels }, ...copied);
    return ok(drafts);
  }
  const levels = powerLevelsFromContent(rules, powerLevels);
  const own = levels.users.get(sender) ?? levels.usersDefault;
  const needed = neededLevel(rules, powerLevels, copied);
  if (own >= needed) {
    drafts.push({ type: "m.room.power_levels", sender, stateKey: "", content: powerLevels }, ...copied);
    return ok(drafts);
  }
  const users = isJsonObject(powerLevels["users"]) ? powerLevels["users"] : {};
  const raised: JsonObject = { ...powerLevels, users: { ...users, [sender]: needed } };
  drafts.push({ type: "m.room.power_levels", sender, stateKey: "", content: raised }, ...copied);
  drafts.push({ type: "m.room.power_levels", sender, stateKey: "", content: powerLevels });
  return ok(drafts);
}
