// Whether one push rule condition holds for an event (client-server "Conditions"); malformed or unknown ones never match.
import type { JsonObject, JsonValue } from "../json-value";
import { compileGlob, globMatchesWhole, globMatchesWords, literalGlob } from "./glob-pattern";
import { lookupPropertyPath } from "./property-path";
import type { PushCondition } from "./push-rule";

/** What the server knows about the room and the recipient when it runs push rules for one user. */
export interface PushEvaluationContext {
  readonly userId: string;
  /** The recipient's display name in the room, for the deprecated `contains_display_name`. */
  readonly displayName?: string;
  readonly memberCount: number;
  readonly senderPowerLevel: number;
  /** `content.notifications` of the room's power levels; `room` defaults to 50 when absent. */
  readonly notificationPowerLevels: { readonly [key: string]: number };
}

/** Defaults the spec gives for `notifications` in m.room.power_levels. */
const DEFAULT_NOTIFICATION_LEVELS: { readonly [key: string]: number } = { room: 50 };

const MAX_SAFE = 2 ** 53 - 1;

/** The non-compound canonical JSON values `event_property_is`/`_contains` compare: no floats, no big integers. */
export function isPushScalar(value: JsonValue | undefined): value is string | number | boolean | null {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  return typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= MAX_SAFE;
}

const stringField = (condition: JsonObject, name: string): string | undefined => {
  const value = condition[name];
  return typeof value === "string" ? value : undefined;
};

function eventMatch(condition: PushCondition, event: JsonObject): boolean {
  const key = stringField(condition, "key");
  const pattern = stringField(condition, "pattern");
  if (key === undefined || pattern === undefined) return false;
  const value = lookupPropertyPath(event, key);
  // Absent or non-string never matches, even for `*`.
  if (typeof value !== "string") return false;
  const glob = compileGlob(pattern);
  return key === "content.body" ? globMatchesWords(glob, value) : globMatchesWhole(glob, value);
}

function propertyIs(condition: PushCondition, event: JsonObject): boolean {
  const key = stringField(condition, "key");
  const expected = condition["value"];
  if (key === undefined || !isPushScalar(expected)) return false;
  const actual = lookupPropertyPath(event, key);
  return isPushScalar(actual) && actual === expected;
}

function propertyContains(condition: PushCondition, event: JsonObject): boolean {
  const key = stringField(condition, "key");
  const expected = condition["value"];
  if (key === undefined || !isPushScalar(expected)) return false;
  const actual = lookupPropertyPath(event, key);
  if (!Array.isArray(actual)) return false;
  // Array entries that are not scalars are ignored rather than failing the match.
  return (actual as readonly JsonValue[]).some((item) => isPushScalar(item) && item === expected);
}

function containsDisplayName(event: JsonObject, context: PushEvaluationContext): boolean {
  const name = context.displayName;
  if (name === undefined || name === "") return false;
  const body = lookupPropertyPath(event, "content.body");
  return typeof body === "string" && globMatchesWords(literalGlob(name), body);
}

/** Parses `is`: an optional `==`, `<`, `>`, `>=` or `<=` then a decimal integer (`==` when no prefix). */
export function parseMemberCountIs(is: string): { readonly op: "==" | "<" | ">" | ">=" | "<="; readonly count: number } | undefined {
  const m = /^(==|>=|<=|<|>)?([0-9]+)$/.exec(is);
  if (!m || m[2] === undefined) return undefined;
  const op = (m[1] ?? "==") as "==" | "<" | ">" | ">=" | "<=";
  return { op, count: Number.parseInt(m[2], 10) };
}

function roomMemberCount(condition: PushCondition, context: PushEvaluationContext): boolean {
  const is = stringField(condition, "is");
  const parsed = is === undefined ? undefined : parseMemberCountIs(is);
  if (!parsed) return false;
  const n = context.memberCount;
  switch (parsed.op) {
    case "==":
      return n === parsed.count;
    case "<":
      return n < parsed.count;
    case ">":
      return n > parsed.count;
    case ">=":
      return n >= parsed.count;
    case "<=":
      return n <= parsed.count;
  }
}

function senderNotificationPermission(condition: PushCondition, context: PushEvaluationContext): boolean {
  const key = stringField(condition, "key");
  if (key === undefined) return false;
  const required = Object.hasOwn(context.notificationPowerLevels, key)
    ? context.notificationPowerLevels[key]
    : DEFAULT_NOTIFICATION_LEVELS[key];
  // A notification type with no level anywhere is one nobody was granted.
  return required !== undefined && context.senderPowerLevel >= required;
}

export function conditionMatches(condition: PushCondition, event: JsonObject, context: PushEvaluationContext): boolean {
  switch (condition.kind) {
    case "event_match":
      return eventMatch(condition, event);
    case "event_property_is":
      return propertyIs(condition, event);
    case "event_property_contains":
      return propertyContains(condition, event);
    case "contains_display_name":
      return containsDisplayName(event, context);
    case "room_member_count":
      return roomMemberCount(condition, context);
    case "sender_notification_permission":
      return senderNotificationPermission(condition, context);
    default:
      return false;
  }
}
