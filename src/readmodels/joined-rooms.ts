// GET /joined_rooms: the rooms a user is joined to, from the memberships read model.
export async function joinedRoomIds(db: D1Database, userId: string): Promise<string[]> {
  const rows = await db
    .prepare("SELECT room_id FROM memberships WHERE user_id = ? AND membership = 'join' ORDER BY room_id")
    .bind(userId)
    .all<{ room_id: string }>();
  return rows.results.map((r) => r.room_id);
}

/** Rooms where the user is joined, invited or knocking: what deactivation must leave or decline. */
export async function roomsToLeave(db: D1Database, userId: string): Promise<string[]> {
  const rows = await db
    .prepare("SELECT room_id FROM memberships WHERE user_id = ? AND membership IN ('join', 'invite', 'knock') ORDER BY room_id")
    .bind(userId)
    .all<{ room_id: string }>();
  return rows.results.map((r) => r.room_id);
}
