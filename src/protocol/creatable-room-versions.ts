// The room versions this server can create rooms in (and upgrade rooms into), and so advertises.
import { ROOM_VERSIONS, roomVersionRules, type RoomVersionRules } from "./room-versions";

/**
 * Versions 1 and 2 use the older event shape (event IDs chosen by the sender, `v1` formats): the
 * server can read their rules but neither creates nor holds rooms of them, so they are not offered.
 */
export const isCreatableRoomVersion = (rules: RoomVersionRules): boolean => rules.eventIdFormat !== "v1";

/** The creatable versions' IDs, in the order ROOM_VERSIONS lists them. */
export const CREATABLE_ROOM_VERSIONS: readonly string[] = [...ROOM_VERSIONS.values()]
  .filter(isCreatableRoomVersion)
  .map((rules) => rules.id);

/** The rules of `version` when rooms can be created in (or upgraded into) it; undefined otherwise. */
export function creatableRoomVersionRules(version: string): RoomVersionRules | undefined {
  const rules = roomVersionRules(version);
  return rules !== undefined && isCreatableRoomVersion(rules) ? rules : undefined;
}
