// Which part of a room's timeline a user may read: the read rule shared by event, context, relations, threads and search.

/**
 * The highest stream position `userId` may read in a room, or undefined when they may read none
 * of it. A joined member reads everything; a member who left (or was kicked or banned) reads up to
 * the event that ended their membership; anyone who was never joined (only invited, knocking, or a
 * stranger) reads nothing. There is no history-visibility read model yet, so this is the rule
 * /messages applies too, made stricter for users who never joined.
 */
export async function readCeiling(db: D1Database, userId: string, roomId: string): Promise<number | undefined> {
  const rows = await readableRooms(db, userId, roomId);
  return rows.get(roomId);
}

export const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** Every room the user may read (or only `onlyRoom`), with its ceiling. */
export async function readableRooms(db: D1Database, userId: string, onlyRoom?: string): Promise<Map<string, number>> {
  const rows = await db
    .prepare(
      `SELECT m.room_id, m.membership, m.stream_pos FROM memberships m
       WHERE m.user_id = ?1 AND (?2 IS NULL OR m.room_id = ?2)
         AND (m.membership = 'join' OR (m.membership IN ('leave', 'ban') AND EXISTS (
           SELECT 1 FROM state_changes sc JOIN events e ON e.event_id = sc.event_id
           WHERE sc.room_id = m.room_id AND sc.type = 'm.room.member' AND sc.state_key = m.user_id
             AND json_extract(e.event_json, '$.content.membership') = 'join')))`,
    )
    .bind(userId, onlyRoom ?? null)
    .all<{ room_id: string; membership: string; stream_pos: number }>();
  return new Map(rows.results.map((r) => [r.room_id, r.membership === "join" ? UNBOUNDED : r.stream_pos]));
}
