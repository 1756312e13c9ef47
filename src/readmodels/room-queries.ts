// Typed D1 queries over the room read models: memberships, state by position, current state.
import { EVENT_COLUMNS, type EventRow } from "./event-rows";

export interface MembershipRow {
  readonly room_id: string;
  readonly membership: string;
  readonly event_id: string;
  /** Where this membership was set: a left user sees the room up to here. */
  readonly stream_pos: number;
}

export async function membershipOf(db: D1Database, userId: string, roomId: string): Promise<MembershipRow | undefined> {
  const row = await db
    .prepare("SELECT room_id, membership, event_id, stream_pos FROM memberships WHERE user_id = ? AND room_id = ?")
    .bind(userId, roomId)
    .first<MembershipRow>();
  return row ?? undefined;
}

/**
 * The room's full state at `position` (after the entry at that position applied): each key's last
 * change at or before it (SQLite takes the bare `event_id` from the row holding the MAX), in one
 * pass over the room's primary-key range; keys whose last change removed them drop out in the join.
 */
export async function stateAt(db: D1Database, roomId: string, position: number): Promise<EventRow[]> {
  const rows = await db
    .prepare(
      `WITH st AS (SELECT sc.event_id, MAX(sc.stream_pos) AS pos FROM state_changes sc
                   WHERE sc.room_id = ? AND sc.stream_pos <= ? GROUP BY sc.type, sc.state_key)
       SELECT ${EVENT_COLUMNS} FROM st JOIN events e ON e.event_id = st.event_id ORDER BY e.stream_pos`,
    )
    .bind(roomId, position)
    .all<EventRow>();
  return rows.results;
}

/** Current state events of the given types (any state key), for stripped state and summaries. */
export async function currentStateOfTypes(db: D1Database, roomId: string, types: readonly string[]): Promise<EventRow[]> {
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM current_state cs JOIN events e ON e.event_id = cs.event_id
       WHERE cs.room_id = ? AND cs.type IN (${types.map(() => "?").join(",")}) ORDER BY e.stream_pos`,
    )
    .bind(roomId, ...types)
    .all<EventRow>();
  return rows.results;
}

/** The whole current state of a room. */
export async function currentState(db: D1Database, roomId: string): Promise<EventRow[]> {
  const rows = await db
    .prepare(`SELECT ${EVENT_COLUMNS} FROM current_state cs JOIN events e ON e.event_id = cs.event_id WHERE cs.room_id = ? ORDER BY e.stream_pos`)
    .bind(roomId)
    .all<EventRow>();
  return rows.results;
}
