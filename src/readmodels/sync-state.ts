// The state section of /sync rooms: full state at the timeline's start, or the delta since the token, filtered and lazy-loaded.
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { EVENT_COLUMNS, RELATED_COLUMNS } from "./event-rows";
import { eventFilterCondition, sectionIncludesRoom } from "./sync-filter-sql";

export type StateQuery =
  /** The whole state at `at` (a client new to the room, or full_state). */
  | { readonly kind: "full"; readonly roomId: string; readonly at: number; readonly members?: ReadonlySet<string> }
  /** Keys whose value at `at` differs from the one at `from` (a limited incremental timeline). */
  | { readonly kind: "delta"; readonly roomId: string; readonly from: number; readonly at: number; readonly members?: ReadonlySet<string> }
  /** Only these users' member events at `at` (lazy loading, timeline not limited). */
  | { readonly kind: "members"; readonly roomId: string; readonly at: number; readonly members: ReadonlySet<string> };

/**
 * `members`: lazy loading is on, and of the m.room.member events only these users' are wanted.
 * Undefined when the state filter's own rooms leave the room out, or nothing can match.
 */
export function stateStatement(db: D1Database, q: StateQuery, filter: RoomEventFilter | undefined): D1PreparedStatement | undefined {
  if (!sectionIncludesRoom(filter, q.roomId)) return undefined;
  if (q.kind === "delta" && q.at <= q.from) return undefined;
  if (q.kind === "members" && q.members.size === 0) return undefined;
  const condition = eventFilterCondition(filter);
  const members = q.members === undefined ? undefined : JSON.stringify([...q.members]);
  // Lazy loading narrows the keys before any event is read.
  const memberKeys =
    members === undefined
      ? ""
      : q.kind === "members"
        ? "AND sc.type = 'm.room.member' AND sc.state_key IN (SELECT value FROM json_each(?))"
        : "AND (sc.type <> 'm.room.member' OR sc.state_key IN (SELECT value FROM json_each(?)))";
  const memberParams = members === undefined ? [] : [members];
  if (q.kind === "delta") {
    return db
      .prepare(
        `WITH keys AS (
           SELECT DISTINCT sc.type, sc.state_key FROM state_changes sc
           WHERE sc.room_id = ? AND sc.stream_pos > ? AND sc.stream_pos <= ? ${memberKeys}),
         vals AS (
           SELECT
             (SELECT s.event_id FROM state_changes s WHERE s.room_id = ? AND s.type = k.type AND s.state_key = k.state_key
                AND s.stream_pos <= ? ORDER BY s.stream_pos DESC LIMIT 1) AS now_id,
             (SELECT s.event_id FROM state_changes s WHERE s.room_id = ? AND s.type = k.type AND s.state_key = k.state_key
                AND s.stream_pos <= ? ORDER BY s.stream_pos DESC LIMIT 1) AS then_id
           FROM keys k)
         SELECT ${EVENT_COLUMNS}, ${RELATED_COLUMNS} FROM vals JOIN events e ON e.event_id = vals.now_id
         WHERE vals.then_id IS NOT vals.now_id AND (${condition.sql})
         ORDER BY e.stream_pos`,
      )
      .bind(q.roomId, q.from, q.at, ...memberParams, q.roomId, q.at, q.roomId, q.from, ...condition.params);
  }
  // SQLite takes a bare column of a MAX() aggregate from the row holding the maximum: each key's
  // latest change at or before `at`, in one pass over the room's primary-key range.
  return db
    .prepare(
      `WITH st AS (
         SELECT sc.event_id, MAX(sc.stream_pos) AS pos FROM state_changes sc
         WHERE sc.room_id = ? AND sc.stream_pos <= ? ${memberKeys}
         GROUP BY sc.type, sc.state_key)
       SELECT ${EVENT_COLUMNS}, ${RELATED_COLUMNS} FROM st JOIN events e ON e.event_id = st.event_id
       WHERE (${condition.sql})
       ORDER BY e.stream_pos`,
    )
    .bind(q.roomId, q.at, ...memberParams, ...condition.params);
}
