// Each room's visibility in the published room directory: D1 records (not projections: replay keeps them).

export type RoomVisibility = "public" | "private";

export async function setRoomVisibility(db: D1Database, roomId: string, visibility: RoomVisibility, nowMs: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO room_directory (room_id, visibility, updated_ts) VALUES (?, ?, ?)
       ON CONFLICT (room_id) DO UPDATE SET visibility = excluded.visibility, updated_ts = excluded.updated_ts`,
    )
    .bind(roomId, visibility, nowMs)
    .run();
}

/** The room's visibility if one was ever set; undefined says nothing about whether the room exists. */
export async function roomVisibility(db: D1Database, roomId: string): Promise<RoomVisibility | undefined> {
  const row = await db.prepare("SELECT visibility FROM room_directory WHERE room_id = ?").bind(roomId).first<{ visibility: RoomVisibility }>();
  return row?.visibility;
}

/** Whether the projection has seen the room's log (the `rooms` list replay walks). */
export async function isRoomProjected(db: D1Database, roomId: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS one FROM rooms WHERE room_id = ?").bind(roomId).first()) !== null;
}

/** The servers of the room's joined members, from the read model: who could help a client join. */
export async function joinedServers(db: D1Database, roomId: string): Promise<string[]> {
  const rows = await db
    .prepare(
      `SELECT DISTINCT substr(user_id, instr(user_id, ':') + 1) AS server FROM memberships
       WHERE room_id = ? AND membership = 'join' ORDER BY server`,
    )
    .bind(roomId)
    .all<{ server: string }>();
  return rows.results.map((r) => r.server);
}
