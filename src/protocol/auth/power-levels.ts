// Power levels as the auth rules read them: parsing per room version, defaults, creators, user levels.
import { isJsonObject, type JsonObject } from "../json-value";
import type { RoomEvent } from "../pdu";
import type { RoomVersionRules } from "../room-versions";
import type { StateLookup } from "./auth-types";

/** v12 creators outrank every number; kept apart from numbers so no finite value can ever equal it. */
export const INFINITE_POWER = "infinite";
export type PowerLevel = number | typeof INFINITE_POWER;

/** Orders two power levels: negative when `a` is lower, zero when equal, positive when higher. */
export function comparePower(a: PowerLevel, b: PowerLevel): number {
  if (a === INFINITE_POWER) return b === INFINITE_POWER ? 0 : 1;
  if (b === INFINITE_POWER) return -1;
  return a - b;
}

const STRINGY_INTEGER = /^\s*[+-]?[0-9]+\s*$/;

/**
 * Reads one power level value. v10+ accepts integers only; earlier versions also accept strings
 * holding an integer and floats (truncated), for compatibility with early implementations.
 */
export function parsePowerLevelValue(rules: RoomVersionRules, value: unknown): number | undefined {
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value;
    if (rules.integerPowerLevels || !Number.isFinite(value)) return undefined;
    return Math.trunc(value) + 0; // + 0 turns -0 into 0
  }
  if (typeof value === "string" && !rules.integerPowerLevels && STRINGY_INTEGER.test(value)) {
    const n = Number(value.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

export interface PowerLevels {
  readonly usersDefault: number;
  readonly eventsDefault: number;
  readonly stateDefault: number;
  readonly ban: number;
  readonly kick: number;
  readonly redact: number;
  readonly invite: number;
  readonly events: ReadonlyMap<string, number>;
  readonly notifications: ReadonlyMap<string, number>;
  readonly users: ReadonlyMap<string, number>;
}

/** The top-level integer properties the auth rules compare, with their content keys. */
export const LEVEL_KEYS = [
  ["usersDefault", "users_default"],
  ["eventsDefault", "events_default"],
  ["stateDefault", "state_default"],
  ["ban", "ban"],
  ["redact", "redact"],
  ["kick", "kick"],
  ["invite", "invite"],
] as const;

const DEFAULTS = { usersDefault: 0, eventsDefault: 0, stateDefault: 50, ban: 50, kick: 50, redact: 50, invite: 0 };

/** The levels in force when the room has no `m.room.power_levels` event. */
export const DEFAULT_POWER_LEVELS: PowerLevels = {
  ...DEFAULTS,
  events: new Map(),
  notifications: new Map(),
  users: new Map(),
};

function levelMap(rules: RoomVersionRules, value: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (!isJsonObject(value)) return out;
  for (const [key, raw] of Object.entries(value)) {
    const level = parsePowerLevelValue(rules, raw);
    if (level !== undefined) out.set(key, level);
  }
  return out;
}

/**
 * Reads power levels content leniently: a value that does not parse counts as absent, so its
 * default applies. Content that reached the room state already passed the rules that validate it.
 */
export function powerLevelsFromContent(rules: RoomVersionRules, content: JsonObject): PowerLevels {
  const levels: Record<string, number> = { ...DEFAULTS };
  for (const [field, key] of LEVEL_KEYS) {
    const parsed = parsePowerLevelValue(rules, content[key]);
    if (parsed !== undefined) levels[field] = parsed;
  }
  return {
    ...(levels as typeof DEFAULTS),
    events: levelMap(rules, content["events"]),
    notifications: levelMap(rules, content["notifications"]),
    users: levelMap(rules, content["users"]),
  };
}

/**
 * The room's creators. v12: the create event's sender plus `additional_creators`; v11: its sender;
 * earlier versions: `content.creator`.
 */
export function roomCreators(rules: RoomVersionRules, create: RoomEvent | undefined): ReadonlySet<string> {
  if (!create) return new Set();
  if (!rules.creatorIsSender) {
    const creator = create.pdu.content["creator"];
    return new Set(typeof creator === "string" ? [creator] : []);
  }
  const creators = new Set([create.pdu.sender]);
  const additional = create.pdu.content["additional_creators"];
  if (rules.privilegedCreators && Array.isArray(additional)) {
    for (const id of additional) if (typeof id === "string") creators.add(id);
  }
  return creators;
}

/** The power picture of a room at some state: its levels, whether an event set them, its creators. */
export interface RoomPower {
  readonly rules: RoomVersionRules;
  readonly levels: PowerLevels;
  readonly hasPowerLevelsEvent: boolean;
  readonly creators: ReadonlySet<string>;
}

export function roomPowerFromState(rules: RoomVersionRules, state: StateLookup): RoomPower {
  const plEvent = state("m.room.power_levels", "");
  return {
    rules,
    levels: plEvent ? powerLevelsFromContent(rules, plEvent.pdu.content) : DEFAULT_POWER_LEVELS,
    hasPowerLevelsEvent: plEvent !== undefined,
    creators: roomCreators(rules, state("m.room.create", "")),
  };
}

/** A user's power level: creators are infinite in v12, and have 100 before any power levels event. */
export function userPowerLevel(power: RoomPower, userId: string): PowerLevel {
  if (power.rules.privilegedCreators && power.creators.has(userId)) return INFINITE_POWER;
  if (!power.hasPowerLevelsEvent) return power.creators.has(userId) ? 100 : 0;
  return power.levels.users.get(userId) ?? power.levels.usersDefault;
}

/** The level needed to send an event of `type`: listed in `events`, else the state or message default. */
export function requiredPowerLevel(levels: PowerLevels, type: string, isState: boolean): number {
  return levels.events.get(type) ?? (isState ? levels.stateDefault : levels.eventsDefault);
}

/** Whether `user` (a level) meets `needed`: greater than or equal. */
export const hasAtLeast = (user: PowerLevel, needed: PowerLevel): boolean => comparePower(user, needed) >= 0;
