// GET /rooms/{roomId}/event/{eventId} and /context/{eventId}: one event, or one event with its neighbours and the state.
import { eventMatchesFilter } from "../protocol/filters/event-filter-match";
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { lazyLoadedMembers } from "../protocol/filters/lazy-members";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import type { ClientEvent } from "./client-event";
import { EVENT_COLUMNS, toClientEvents, type EventRow } from "./event-rows";
import {
  highestVisible,
  inRanges,
  rangesFromHistory,
  rowsOf,
  visibilityHistoryStatement,
  visibleEventsBetween,
  type VisibleRanges,
} from "./history-visibility";
import { clientEventsWithRelations } from "./relations-aggregation";
import { stateAt } from "./room-queries";
import { formatSyncToken, tokenAt } from "./sync-token";

/** The event is unknown, in another room, not accepted, or outside what the user may read: one answer for all (404). */
export interface EventNotVisible {
  readonly _tag: "EventNotVisible";
  readonly reason: string;
}

const notVisible = (): EventNotVisible => ({
  _tag: "EventNotVisible",
  reason: "Event not found or you do not have permission to read it",
});

export interface EventRequest {
  readonly userId: string;
  readonly deviceId?: string;
  readonly roomId: string;
  readonly eventId: string;
  readonly now: number;
}

/**
 * The event row and the positions the reader may read in its room, when history visibility lets
 * the reader see the event: the row and the visibility history are read in one D1 round trip.
 */
export async function visibleEvent(db: D1Database, request: EventRequest): Promise<{ row: EventRow; ranges: VisibleRanges } | undefined> {
  const [found, history] = await db.batch([
    db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.event_id = ? AND e.room_id = ? AND e.status = 'accepted'`)
      .bind(request.eventId, request.roomId),
    visibilityHistoryStatement(db, request.userId, [request.roomId]),
  ]);
  const row = (found?.results[0] as EventRow | undefined) ?? undefined;
  if (row === undefined) return undefined;
  const ranges = rangesFromHistory(rowsOf(history), [request.roomId]).get(request.roomId) ?? [];
  return inRanges(ranges, row.stream_pos) ? { row, ranges } : undefined;
}

const viewerOf = (r: EventRequest, ranges: VisibleRanges) => ({
  userId: r.userId,
  ...(r.deviceId === undefined ? {} : { deviceId: r.deviceId }),
  visible: new Map([[r.roomId, ranges]]),
});

export async function roomEvent(db: D1Database, request: EventRequest): Promise<Result<ClientEvent, EventNotVisible>> {
  const found = await visibleEvent(db, request);
  if (found === undefined) return err(notVisible());
  const [event] = await clientEventsWithRelations(db, [found.row], viewerOf(request, found.ranges), { now: request.now, includeRoomId: true });
  return event === undefined ? err(notVisible()) : ok(event);
}

export interface ContextRequest extends EventRequest {
  readonly limit: number;
  readonly filter?: RoomEventFilter;
}

// Filtered-out events are skipped by reading on; this bounds how many rows one side may scan.
const MAX_SCAN = 2000;

/** Rows on one side of `pivot` passing the filter, nearest first, and the last position scanned. */
async function side(
  db: D1Database,
  request: ContextRequest,
  pivot: number,
  ranges: VisibleRanges,
  want: number,
  dir: "before" | "after",
): Promise<{ rows: EventRow[]; reached: number }> {
  const rows: EventRow[] = [];
  let cursor = pivot;
  let scanned = 0;
  const batch = Math.max(want, 20);
  const ceiling = highestVisible(ranges);
  while (rows.length < want && scanned < MAX_SCAN) {
    const page =
      dir === "before"
        ? await visibleEventsBetween(db, request.roomId, ranges, 0, cursor - 1, batch, "desc")
        : await visibleEventsBetween(db, request.roomId, ranges, cursor, ceiling, batch, "asc");
    for (const row of page.slice(0, batch)) {
      scanned++;
      cursor = row.stream_pos;
      if (request.filter === undefined || eventMatchesFilter(request.filter, JSON.parse(row.event_json) as JsonObject, { roomId: row.room_id })) {
        rows.push(row);
        if (rows.length === want) break;
      }
    }
    if (page.length <= batch && rows.length < want) {
      // The range is exhausted: the whole side was scanned.
      cursor = dir === "before" ? 1 : ceiling === Number.MAX_SAFE_INTEGER ? cursor : Math.max(cursor, ceiling);
      break;
    }
  }
  return { rows, reached: cursor };
}

/**
 * `limit` splits between the two sides (half before, the rest after); the event itself is always
 * returned. `start` and `end` are /messages tokens: backwards from `start` continues before
 * `events_before`, forwards from `end` continues after `events_after`.
 */
export async function eventContext(db: D1Database, request: ContextRequest): Promise<Result<JsonObject, EventNotVisible>> {
  const found = await visibleEvent(db, request);
  if (found === undefined) return err(notVisible());
  const { row, ranges } = found;
  const beforeWant = Math.floor(request.limit / 2);
  const afterWant = request.limit - beforeWant;
  const before = beforeWant === 0 ? { rows: [], reached: row.stream_pos } : await side(db, request, row.stream_pos, ranges, beforeWant, "before");
  const after = afterWant === 0 ? { rows: [], reached: row.stream_pos } : await side(db, request, row.stream_pos, ranges, afterWant, "after");
  const viewer = viewerOf(request, ranges);
  const options = { now: request.now, includeRoomId: true };
  const events = await clientEventsWithRelations(db, [...before.rows, row, ...after.rows], viewer, options);
  const lastPos = after.rows.at(-1)?.stream_pos ?? row.stream_pos;
  let state = await stateAt(db, request.roomId, lastPos);
  const members = lazyLoadedMembers(request.filter, [...before.rows, row, ...after.rows].map((r) => r.sender));
  if (members !== undefined) state = state.filter((s) => s.type !== "m.room.member" || (s.state_key !== null && members.has(s.state_key)));
  const body: Record<string, JsonValue> = {
    start: formatSyncToken(tokenAt(Math.max(0, before.reached - 1))),
    end: formatSyncToken(tokenAt(after.reached)),
    events_before: events.slice(0, before.rows.length),
    event: events[before.rows.length] ?? {},
    events_after: events.slice(before.rows.length + 1),
    state: await toClientEvents(db, state, { now: request.now, includeRoomId: true }),
  };
  return ok(body);
}
