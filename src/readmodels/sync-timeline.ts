// The timeline sections of /sync rooms: one statement for every room, each room's window read through its index; the limit counts filtered events only.
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { inVisibleRanges, type VisibleRanges } from "./history-visibility";
import { EVENT_COLUMNS, RELATED_COLUMNS, type EventRowWithRelated } from "./event-rows";
import { eventFilterCondition, sectionIncludesRoom } from "./event-filter-sql";

export interface TimelineQuery {
  readonly roomId: string;
  /** Events after this position (0: the newest events, as in an initial sync)… */
  readonly after: number;
  /** …up to this one (the sync's head, or where a left user left). */
  readonly upTo: number;
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

export interface TimelinesRequest {
  readonly userId: string;
  readonly rooms: readonly TimelineQuery[];
  readonly limit: number;
  readonly filter: RoomEventFilter | undefined;
}

/**
 * The newest `limit` + 1 matching events of each room, in one statement: per room (one row of the
 * JSON parameter) a subquery walks that room's index back from `upTo`, so the cost follows the
 * rooms and the limit, not the rooms' sizes, and D1 counts one query. Undefined when no room
 * needs reading (none given, or the filter's own `rooms`/`not_rooms` leave them all out). A
 * user's own membership events are theirs to see whatever history visibility says (a rejected
 * invite shows its leave).
 */
export function timelinesStatement(db: D1Database, request: TimelinesRequest): D1PreparedStatement | undefined {
  const rooms = request.rooms.filter((q) => q.after < q.upTo && sectionIncludesRoom(request.filter, q.roomId));
  if (rooms.length === 0) return undefined;
  const condition = eventFilterCondition(request.filter, "x");
  return db
    .prepare(
      `SELECT ${EVENT_COLUMNS}, ${RELATED_COLUMNS},
         EXISTS (SELECT 1 FROM relations c WHERE c.relates_to = e.event_id AND c.rel_type IN ('m.thread', 'm.replace', 'm.reference')) AS has_children
       FROM json_each(?) q JOIN events e ON e.event_id IN (
         SELECT x.event_id FROM events x
         WHERE x.room_id = q.value->>0 AND x.status = 'accepted' AND x.stream_pos > q.value->>1 AND x.stream_pos <= q.value->>2
           AND (${inVisibleRanges("x.stream_pos", "q.value->3")} OR (x.type = 'm.room.member' AND x.state_key = ?))
           AND (${condition.sql})
         ORDER BY x.stream_pos DESC LIMIT ?)
       ORDER BY e.stream_pos DESC`,
    )
    .bind(JSON.stringify(rooms.map((q) => [q.roomId, q.after, q.upTo, q.visible])), request.userId, ...condition.params, request.limit + 1);
}

/** Each room's timeline from the statement's rows (rooms without rows get an empty one). */
export function readTimelines(request: TimelinesRequest, result: D1Result | undefined): Map<string, RoomTimeline> {
  const byRoom = new Map<string, TimelineRow[]>();
  for (const row of (result?.results ?? []) as TimelineRow[]) {
    const list = byRoom.get(row.room_id);
    if (list === undefined) byRoom.set(row.room_id, [row]);
    else list.push(row);
  }
  const out = new Map<string, RoomTimeline>();
  for (const q of request.rooms) {
    const rows = byRoom.get(q.roomId) ?? [];
    const events = rows.slice(0, request.limit).reverse();
    const first = events[0];
    out.set(q.roomId, { events, limited: rows.length > request.limit, start: first === undefined ? q.upTo : first.stream_pos - 1 });
  }
  return out;
}
