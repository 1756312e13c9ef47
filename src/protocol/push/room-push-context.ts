// The push-condition context of one room for one user, from the room's state: power levels, display name and member count.
import type { StateLookup } from "../auth/auth-types";
import { INFINITE_POWER, roomPowerFromState, userPowerLevel } from "../auth/power-levels";
import type { JsonObject } from "../json-value";
import type { Pdu, RoomEvent } from "../pdu";
import { DEFAULT_ROOM_VERSION, roomVersionRules } from "../room-versions";
import type { PushEvaluationContext } from "./push-condition-match";

/** A current-state event as the read models hold it. */
export interface PushStateEvent {
  readonly type: string;
  readonly state_key: string;
  readonly event_id: string;
  readonly pdu: JsonObject;
}

/**
 * The evaluation context per sender, from the room's `m.room.create`, `m.room.power_levels` and the
 * user's own member event (the others are ignored). Creators' infinite power is above any level.
 */
export function roomPushContext(
  userId: string,
  roomVersion: string,
  stateEvents: readonly PushStateEvent[],
  memberCount: number,
): (sender: string) => PushEvaluationContext {
  const rules = roomVersionRules(roomVersion) ?? roomVersionRules(DEFAULT_ROOM_VERSION);
  const byKey = new Map<string, RoomEvent>(stateEvents.map((e) => [`${e.type}\u0000${e.state_key}`, { eventId: e.event_id, pdu: e.pdu as Pdu }]));
  const state: StateLookup = (type, stateKey) => byKey.get(`${type}\u0000${stateKey}`);
  const power = rules === undefined ? undefined : roomPowerFromState(rules, state);
  const notificationPowerLevels = Object.fromEntries(power?.levels.notifications ?? []);
  const displayName = state("m.room.member", userId)?.pdu.content["displayname"];
  return (sender) => {
    const level = power === undefined ? 0 : userPowerLevel(power, sender);
    return {
      userId,
      ...(typeof displayName === "string" ? { displayName } : {}),
      memberCount,
      senderPowerLevel: level === INFINITE_POWER ? Number.MAX_SAFE_INTEGER : level,
      notificationPowerLevels,
    };
  };
}
