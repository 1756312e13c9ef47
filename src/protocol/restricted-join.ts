// Restricted joins (join rules `restricted` and `knock_restricted`): the allow conditions and the member who authorises a join.
import type { StateLookup } from "./auth/auth-types";
import { comparePower, hasAtLeast, roomPowerFromState, userPowerLevel } from "./auth/power-levels";
import { domainOf } from "./auth/user-ids";
import { isJsonObject } from "./json-value";
import type { RoomVersionRules } from "./room-versions";

/**
 * The rooms whose joined members may join, when the room's join rule is restricted (v8+) or
 * knock_restricted (v10+); undefined when the join rule is anything else. Only the
 * `m.room_membership` condition exists; entries of other types or shapes satisfy nothing.
 */
export function allowedRoomIds(rules: RoomVersionRules, state: StateLookup): string[] | undefined {
  const content = state("m.room.join_rules", "")?.pdu.content;
  const joinRule = content?.["join_rule"];
  const restricted = (rules.restrictedJoins && joinRule === "restricted") || (rules.knockRestrictedJoinRule && joinRule === "knock_restricted");
  return restricted ? membershipConditionRooms(content?.["allow"]) : undefined;
}

/** The room IDs of the `m.room_membership` conditions in a join rules `allow` value. */
export function membershipConditionRooms(allow: unknown): string[] {
  if (!Array.isArray(allow)) return [];
  const ids: string[] = [];
  for (const entry of allow) {
    if (isJsonObject(entry) && entry["type"] === "m.room_membership" && typeof entry["room_id"] === "string") ids.push(entry["room_id"]);
  }
  return ids;
}

/**
 * A joined member of `serverName` holding the invite level, to name in
 * `join_authorised_via_users_server` (auth rule "join_rule is restricted": the authoriser must be a
 * joined member able to invite, and the event must carry their server's signature, hence local).
 * The most powerful such member, ties broken by user ID, so the choice is stable.
 */
export function chooseJoinAuthoriser(
  rules: RoomVersionRules,
  state: StateLookup,
  memberIds: Iterable<string>,
  serverName: string,
): string | undefined {
  const power = roomPowerFromState(rules, state);
  let best: { readonly userId: string; readonly level: ReturnType<typeof userPowerLevel> } | undefined;
  for (const userId of memberIds) {
    if (domainOf(userId) !== serverName || state("m.room.member", userId)?.pdu.content["membership"] !== "join") continue;
    const level = userPowerLevel(power, userId);
    if (!hasAtLeast(level, power.levels.invite)) continue;
    const order = best === undefined ? 1 : comparePower(level, best.level) || (userId < best.userId ? 1 : -1);
    if (order > 0) best = { userId, level };
  }
  return best?.userId;
}
