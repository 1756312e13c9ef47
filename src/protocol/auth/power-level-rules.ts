// The `m.room.power_levels` auth rules: shape of the new content, then what the sender may change.
import { isJsonObject, type JsonObject, type JsonValue } from "../json-value";
import type { RoomEvent } from "../pdu";
import { ok, type Result } from "../result";
import type { RoomVersionRules } from "../room-versions";
import type { AuthRejection, StateLookup } from "./auth-types";
import {
  comparePower,
  LEVEL_KEYS,
  parsePowerLevelValue,
  roomCreators,
  userPowerLevel,
  type PowerLevel,
  type RoomPower,
} from "./power-levels";
import { powerLevelRules, reject, sub } from "./rule-numbers";
import { isValidUserId } from "./user-ids";

const isIntegerMap = (value: JsonValue): boolean =>
  isJsonObject(value) && Object.values(value).every((v) => typeof v === "number" && Number.isInteger(v));

/** The shape rules on the new content (integers in v10+, user IDs as `users` keys). */
function checkShape(rules: RoomVersionRules, content: JsonObject): Result<void, AuthRejection> {
  const n = powerLevelRules(rules);
  if (n.integers !== undefined && n.objects !== undefined) {
    for (const [, key] of LEVEL_KEYS) {
      const value = content[key];
      if (value !== undefined && !(typeof value === "number" && Number.isInteger(value))) {
        return reject(n.integers, `${key} is not an integer`);
      }
    }
    for (const key of ["events", "notifications"]) {
      const value = content[key];
      if (value !== undefined && !isIntegerMap(value)) {
        return reject(n.objects, `${key} is not an object of integers`);
      }
    }
  }
  const users = content["users"];
  if (users !== undefined) {
    if (!isJsonObject(users)) return reject(n.users, "users is not an object");
    for (const [userId, level] of Object.entries(users)) {
      if (!isValidUserId(userId)) return reject(n.users, `users key ${userId} is not a valid user ID`);
      if (parsePowerLevelValue(rules, level) === undefined) {
        return reject(n.users, `users value for ${userId} is not an integer`);
      }
    }
  }
  return ok(undefined);
}

/** A present, readable value; `invalid` when present but not a power level (possible before v10). */
type Level = number | undefined | "invalid";

function readLevel(rules: RoomVersionRules, value: JsonValue | undefined): Level {
  if (value === undefined) return undefined;
  return parsePowerLevelValue(rules, value) ?? "invalid";
}

const entriesOf = (content: JsonObject, key: string): JsonObject => {
  const value = content[key];
  return isJsonObject(value) ? value : {};
};

/** Own properties only: event types such as "constructor" must not read Object.prototype. */
const own = (object: JsonObject, key: string): JsonValue | undefined =>
  Object.hasOwn(object, key) ? object[key] : undefined;

interface Alteration {
  readonly key: string;
  readonly current: Level;
  readonly next: Level;
}

/** Keys added, changed or removed between two level objects (compared as power levels, not as raw JSON). */
function alterations(rules: RoomVersionRules, current: JsonObject, next: JsonObject, keys?: readonly string[]) {
  const all = keys ?? [...new Set([...Object.keys(current), ...Object.keys(next)])];
  const out: Alteration[] = [];
  for (const key of all) {
    const a = readLevel(rules, own(current, key));
    const b = readLevel(rules, own(next, key));
    if (a !== b || a === "invalid") out.push({ key, current: a, next: b });
  }
  return out;
}

/** True when a level is present and above `sender` (an unreadable new value counts as above). */
const above = (level: Level, sender: PowerLevel): boolean =>
  level !== undefined && (level === "invalid" || comparePower(level, sender) > 0);

/** Applies every power levels rule; decides the event outright. */
export function authorizePowerLevels(
  rules: RoomVersionRules,
  event: RoomEvent,
  state: StateLookup,
  power: RoomPower,
): Result<void, AuthRejection> {
  const n = powerLevelRules(rules);
  const content = event.pdu.content;
  const shape = checkShape(rules, content);
  if (!shape.ok) return shape;
  if (n.creatorsInUsers !== undefined) {
    const users = entriesOf(content, "users");
    for (const creator of roomCreators(rules, state("m.room.create", ""))) {
      if (Object.hasOwn(users, creator)) return reject(n.creatorsInUsers, `creator ${creator} cannot be listed in users`);
    }
  }
  const previous = state("m.room.power_levels", "");
  if (!previous) return ok(undefined);
  const before = previous.pdu.content;
  const sender = event.pdu.sender;
  const senderLevel = userPowerLevel(power, sender);

  const topLevelKeys = LEVEL_KEYS.map(([, key]) => key);
  for (const change of alterations(rules, before, content, topLevelKeys)) {
    if (above(change.current, senderLevel)) {
      return reject(sub(n.topLevel, 1), `current ${change.key} is above the sender's level`);
    }
    if (above(change.next, senderLevel)) return reject(sub(n.topLevel, 2), `new ${change.key} is above the sender's level`);
  }

  const maps = rules.limitNotificationsPowerLevels ? ["events", "notifications"] : ["events"];
  const mapChanges = maps.flatMap((map) =>
    alterations(rules, entriesOf(before, map), entriesOf(content, map)).map((c) => ({ ...c, map })),
  );
  for (const change of mapChanges) {
    if (change.current !== undefined && above(change.current, senderLevel)) {
      return reject(sub(n.mapRemoved, 1), `current ${change.map}.${change.key} is above the sender's level`);
    }
  }
  for (const change of mapChanges) {
    if (change.next !== undefined && above(change.next, senderLevel)) {
      return reject(sub(n.mapAdded, 1), `new ${change.map}.${change.key} is above the sender's level`);
    }
  }

  const userChanges = alterations(rules, entriesOf(before, "users"), entriesOf(content, "users"));
  for (const change of userChanges) {
    if (change.key === sender || change.current === undefined) continue;
    if (change.current === "invalid" || comparePower(change.current, senderLevel) >= 0) {
      return reject(sub(n.usersRemoved, 1), `cannot change ${change.key}, whose level is not below the sender's`);
    }
  }
  for (const change of userChanges) {
    if (change.next !== undefined && above(change.next, senderLevel)) {
      return reject(sub(n.usersAdded, 1), `cannot give ${change.key} a level above the sender's`);
    }
  }
  return ok(undefined);
}
