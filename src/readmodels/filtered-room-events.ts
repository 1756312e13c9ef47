// A room's readable events between two positions passing a RoomEventFilter (in SQL, so LIMIT counts matches), and lazy-loaded member state: /messages and /context.
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { EVENT_COLUMNS, type EventRow } from "./event-rows";
import { eventFilterCondition, sectionIncludesRoom } from "./event-filter-sql";
import { highestVisible, inVisibleRanges, type VisibleRanges } from "./history-visibility";

export interface FilteredRange {
  readonly roomId: string;
  /** The positions history visibility lets the reader read. */
  readonly ranges: VisibleRanges;
  /** Events with `after < stream_pos <= upTo`… */
  readonly after: number;
  readonly upTo: number;
  /** …at most `limit` + 1 of them (the extra row says more matching events exist). */
  readonly limit: number;
  readonly order: "asc" | "desc";
  readonly filter?: RoomEventFilter | undefined;
}

/**
 * Accepted, readable events of the range that pass the filter, oldest first (`asc`) or newest
 * first. The filter's own `rooms` / `not_rooms` can leave the room out: then nothing matches.
 */
export async function filteredEventsBetween(db: D1Database, q: FilteredRange): Promise<EventRow[]> {
  const first = q.ranges[0];
  if (first === undefined || !sectionIncludesRoom(q.filter, q.roomId)) return [];
  const low = Math.max(q.after, first[0] - 1);
  const high = Math.min(q.upTo, highestVisible(q.ranges));
  if (high <= low) return [];
  const condition = eventFilterCondition(q.filter);
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM events e
       WHERE e.room_id = ? AND e.status = 'accepted' AND e.stream_pos > ? AND e.stream_pos <= ?
         AND ${inVisibleRanges("e.stream_pos", "?")} AND (${condition.sql})
       ORDER BY e.stream_pos ${q.order === "asc" ? "ASC" : "DESC"} LIMIT ?`,
    )
    .bind(q.roomId, low, high, JSON.stringify(q.ranges), ...condition.params, q.limit + 1)
    .all<EventRow>();
  return rows.results;
}

/**
 * Lazy loading for a page of events: each sender's m.room.member event as the state had it at
 * that sender's newest event in the page (the state after the event, so a join's own sender is
 * its join), one D1 query. Senders without a member event then are left out.
 */
export async function senderMembersAt(db: D1Database, roomId: string, events: readonly EventRow[]): Promise<EventRow[]> {
  const newest = new Map<string, number>();
  for (const e of events) newest.set(e.sender, Math.max(newest.get(e.sender) ?? 0, e.stream_pos));
  if (newest.size === 0) return [];
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM json_each(?2) q JOIN events e ON e.event_id = (
         SELECT sc.event_id FROM state_changes sc
         WHERE sc.room_id = ?1 AND sc.type = 'm.room.member' AND sc.state_key = q.value->>0 AND sc.stream_pos <= q.value->>1
         ORDER BY sc.stream_pos DESC LIMIT 1)
       ORDER BY e.stream_pos`,
    )
    .bind(roomId, JSON.stringify([...newest]))
    .all<EventRow>();
  return rows.results;
}

/**
 * The room's state at `position` passing `filter` (for /context, whose filter the spec applies to
 * the state too), with member keys limited to `members` when lazy loading: each key's last change
 * at or before it, member keys outside the list skipped before any event is read.
 */
export async function filteredStateAt(
  db: D1Database,
  roomId: string,
  position: number,
  filter: RoomEventFilter | undefined,
  members: ReadonlySet<string> | undefined,
): Promise<EventRow[]> {
  if (!sectionIncludesRoom(filter, roomId)) return [];
  const condition = eventFilterCondition(filter);
  const rows = await db
    .prepare(
      `WITH st AS (SELECT sc.event_id, MAX(sc.stream_pos) AS pos FROM state_changes sc
                   WHERE sc.room_id = ? AND sc.stream_pos <= ?
                     AND (? IS NULL OR sc.type <> 'm.room.member' OR sc.state_key IN (SELECT value FROM json_each(?)))
                   GROUP BY sc.type, sc.state_key)
       SELECT ${EVENT_COLUMNS} FROM st JOIN events e ON e.event_id = st.event_id
       WHERE (${condition.sql})
       ORDER BY e.stream_pos`,
    )
    .bind(roomId, position, ...Array<string | null>(2).fill(members === undefined ? null : JSON.stringify([...members])), ...condition.params)
    .all<EventRow>();
  return rows.results;
}
