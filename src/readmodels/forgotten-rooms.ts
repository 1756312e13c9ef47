// Forgotten rooms (POST /forget): recorded per user, and in force until the user re-joins, is re-invited or knocks.
import { membershipOf } from "./room-queries";

/** Forgetting is for rooms the user is out of: a current join, invite or knock must be left first. */
export interface StillInRoom {
  readonly _tag: "StillInRoom";
  readonly reason: string;
  readonly membership: string;
}

const FORGETTABLE = new Set(["leave", "ban"]);

/**
 * A forgotten room is one whose record exists, whose current membership is still leave or ban, and
 * where no join, invite or knock of the user came after the membership event recorded at forgetting.
 * Checking the membership history (rather than deleting the record on rejoin) keeps every way back
 * in (federated invites too) ending the forgetting, and it survives a replay: event IDs are stable.
 */
const FORGOTTEN_WHERE = `
  f.user_id = ?
  AND m.membership IN ('leave', 'ban')
  AND NOT EXISTS (
    SELECT 1 FROM state_changes sc JOIN events e ON e.event_id = sc.event_id
    WHERE sc.room_id = f.room_id AND sc.type = 'm.room.member' AND sc.state_key = f.user_id
      AND sc.stream_pos > COALESCE((SELECT stream_pos FROM events WHERE event_id = f.membership_event_id), 0)
      AND json_extract(e.event_json, '$.content.membership') IN ('join', 'invite', 'knock')
  )`;

const FROM = "FROM forgotten_rooms f JOIN memberships m ON m.user_id = f.user_id AND m.room_id = f.room_id";

/**
 * Records that `userId` forgot `roomId`. Returns StillInRoom while the user is joined, invited or
 * knocking. A user with no membership at all has nothing to forget: nothing is recorded.
 */
export async function forgetRoom(db: D1Database, userId: string, roomId: string, now: number): Promise<StillInRoom | undefined> {
  const current = await membershipOf(db, userId, roomId);
  if (current === undefined) return undefined;
  if (!FORGETTABLE.has(current.membership)) {
    return { _tag: "StillInRoom", reason: `${userId} is in room ${roomId} (${current.membership})`, membership: current.membership };
  }
  await db
    .prepare(
      `INSERT INTO forgotten_rooms (user_id, room_id, membership_event_id, forgotten_ts) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, room_id) DO UPDATE SET membership_event_id = excluded.membership_event_id, forgotten_ts = excluded.forgotten_ts`,
    )
    .bind(userId, roomId, current.event_id, now)
    .run();
  return undefined;
}

export async function isForgotten(db: D1Database, userId: string, roomId: string): Promise<boolean> {
  const row = await db.prepare(`SELECT 1 AS hit ${FROM} WHERE ${FORGOTTEN_WHERE} AND f.room_id = ?`).bind(userId, roomId).first();
  return row !== null;
}

/** Every room `userId` has forgotten and not come back to: /sync leaves these out, even with include_leave. */
export async function forgottenRoomIds(db: D1Database, userId: string): Promise<Set<string>> {
  const rows = await db.prepare(`SELECT f.room_id ${FROM} WHERE ${FORGOTTEN_WHERE} ORDER BY f.room_id`).bind(userId).all<{ room_id: string }>();
  return new Set(rows.results.map((r) => r.room_id));
}
