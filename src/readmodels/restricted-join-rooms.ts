// For restricted joins: which of a room's allowed rooms the user is joined to, from the read models.
import { isJsonObject } from "../protocol/json-value";
import { membershipConditionRooms } from "../protocol/restricted-join";
import { parseEventJson } from "./event-rows";
import { currentStateOfTypes } from "./room-queries";

/**
 * An allowed room (join rules `allow`, `m.room_membership`) the user is joined to, or undefined.
 * The room DO checks the answer against the join rules it holds, so a stale read can only fail.
 */
export async function joinedAllowedRoom(db: D1Database, roomId: string, userId: string): Promise<string | undefined> {
  const [joinRules] = await currentStateOfTypes(db, roomId, ["m.room.join_rules"]);
  if (joinRules === undefined) return undefined;
  const content = parseEventJson(joinRules)["content"];
  const allowed = isJsonObject(content) ? membershipConditionRooms(content["allow"]) : [];
  if (allowed.length === 0) return undefined;
  const rows = await db
    .prepare(`SELECT room_id FROM memberships WHERE user_id = ? AND membership = 'join' AND room_id IN (${allowed.map(() => "?").join(",")}) ORDER BY room_id LIMIT 1`)
    .bind(userId, ...allowed)
    .all<{ room_id: string }>();
  return rows.results[0]?.room_id;
}
