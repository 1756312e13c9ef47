// A sender's power level as its event's own auth_events grant it, the first tie-break of the power ordering.
import { isJsonObject, type JsonValue } from "../json-value";
import type { RoomEvent } from "../pdu";
import type { RoomVersionRules } from "../room-versions";
import { type EventGraph, powerLevelsAuthEvent } from "./event-graph";

/** Integers always; before v10 also the decimal strings those rooms tolerated. */
function levelValue(rules: RoomVersionRules, value: JsonValue | undefined): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (!rules.integerPowerLevels && typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) {
    return Number.parseInt(value, 10);
  }
  return undefined;
}

/** The room creators: from v12 the create sender plus additional_creators; earlier, the single creator. */
export function roomCreators(rules: RoomVersionRules, create: RoomEvent): readonly string[] {
  if (rules.privilegedCreators) {
    const extra = create.pdu.content["additional_creators"];
    const others = Array.isArray(extra) ? extra.filter((u): u is string => typeof u === "string") : [];
    return [create.pdu.sender, ...others];
  }
  if (rules.creatorIsSender) return [create.pdu.sender];
  const creator = create.pdu.content["creator"];
  return typeof creator === "string" ? [creator] : [];
}

/**
 * Room creators in v12 rank above every number (Infinity). Without a power levels event among the
 * auth events, the creator has 100 and everyone else 0, as in the auth rules' defaults.
 */
export function senderPowerLevel(rules: RoomVersionRules, graph: EventGraph, eventId: string): number {
  const event = graph.event(eventId);
  const sender = event.pdu.sender;
  const createId = graph.createEventId(eventId);
  const creators = createId === undefined ? [] : roomCreators(rules, graph.event(createId));
  if (rules.privilegedCreators && creators.includes(sender)) return Number.POSITIVE_INFINITY;

  const powerLevelsId = powerLevelsAuthEvent(graph, eventId);
  if (powerLevelsId === undefined) return creators.includes(sender) ? 100 : 0;
  const content = graph.event(powerLevelsId).pdu.content;
  const users = content["users"];
  const own = isJsonObject(users) && Object.hasOwn(users, sender) ? levelValue(rules, users[sender]) : undefined;
  return own ?? levelValue(rules, content["users_default"]) ?? 0;
}
