// The timeline section of /sync rooms: one statement per room, run together in one batch; the limit counts filtered events only.
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { inVisibleRanges, type VisibleRanges } from "./history-visibility";
import { EVENT_COLUMNS, RELATED_COLUMNS, type EventRowWithRelated } from "./event-rows";
import { eventFilterCondition, sectionIncludesRoom } from "./sync-filter-sql";

export interface TimelineQuery {
  readonly roomId: string;
  /** Events after this position (0: the newest events, as in an initial sync)… */
  readonly after: number;
  /** …up to this one (the sync's head, or where a left user left). */
  readonly upTo: number;
  readonly limit: number;
  readonly filter: RoomEventFilter | undefined;
  /** Whose sync: their own membership events are always theirs to see (a rejected invite shows its leave). */
  readonly userId: string;
  /** The positions history visibility lets the user read. */
  readonly visible: VisibleRanges;
}

export interface TimelineRow extends EventRowWithRelated {
  /** 1 when a thread, edit or reference points at the event (its bundled aggregations are worth loading). */
  readonly has_children: number;
}

export interface RoomTimeline {
  /** Oldest first. */
  readonly events: readonly TimelineRow[];
  /** More matching events exist in the range than were returned. */
  readonly limited: boolean;
  /** The position just before the timeline's first event: the state section is the state here. */
  readonly start: number;
}

/** Undefined when the timeline filter's own `rooms`/`not_rooms` leave this room out (no statement to run). */
export function timelineStatement(db: D1Database, q: TimelineQuery): D1PreparedStatement | undefined {
  if (!sectionIncludesRoom(q.filter, q.roomId)) return undefined;
  const condition = eventFilterCondition(q.filter);
  return db
    .prepare(
      `SELECT ${EVENT_COLUMNS}, ${RELATED_COLUMNS},
         EXISTS (SELECT 1 FROM relations c WHERE c.relates_to = e.event_id AND c.rel_type IN ('m.thread', 'm.replace', 'm.reference')) AS has_children
       FROM events e
       WHERE e.room_id = ? AND e.status = 'accepted' AND e.stream_pos > ? AND e.stream_pos <= ?
         AND (${inVisibleRanges("e.stream_pos", "?")} OR (e.type = 'm.room.member' AND e.state_key = ?)) AND (${condition.sql})
       ORDER BY e.stream_pos DESC LIMIT ?`,
    )
    .bind(q.roomId, q.after, q.upTo, JSON.stringify(q.visible), q.userId, ...condition.params, q.limit + 1);
}

export function readTimeline(q: TimelineQuery, result: D1Result | undefined): RoomTimeline {
  const rows = (result?.results ?? []) as TimelineRow[];
  const events = rows.slice(0, q.limit).reverse();
  const first = events[0];
  return { events, limited: rows.length > q.limit, start: first === undefined ? q.upTo : first.stream_pos - 1 };
}
