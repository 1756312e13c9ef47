// GET /rooms/{roomId}/event/{eventId} and /context/{eventId}: one event, or one event with its neighbours and the state.
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { lazyLoadedMembers } from "../protocol/filters/lazy-members";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import type { ClientEvent } from "./client-event";
import { EVENT_COLUMNS, toClientEvents, type EventRow } from "./event-rows";
import { filteredEventsBetween, filteredStateAt } from "./filtered-room-events";
import { highestVisible, inRanges, OPEN_END, rangesFromHistory, rowsOf, visibilityHistoryStatement, type VisibleRanges } from "./history-visibility";
import { clientEventsWithRelations } from "./relations-aggregation";
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

/**
 * The `want` matching events on one side of `pivot`, nearest first, filtered in SQL so the limit
 * counts matches, and the position a /messages page continues from: the last event returned when
 * more match, else the side's end (1 before, the reader's ceiling after; when the reader reads on
 * into the future, the last event returned, since later events pass the same filter next time).
 */
async function side(
  db: D1Database,
  request: ContextRequest,
  pivot: number,
  ranges: VisibleRanges,
  want: number,
  dir: "before" | "after",
): Promise<{ rows: EventRow[]; reached: number }> {
  const ceiling = highestVisible(ranges);
  const range = { roomId: request.roomId, ranges, limit: want, filter: request.filter };
  const found =
    dir === "before"
      ? await filteredEventsBetween(db, { ...range, after: 0, upTo: pivot - 1, order: "desc" })
      : await filteredEventsBetween(db, { ...range, after: pivot, upTo: ceiling, order: "asc" });
  const rows = found.slice(0, want);
  const last = rows.at(-1)?.stream_pos ?? pivot;
  if (found.length > want) return { rows, reached: last };
  if (dir === "before") return { rows, reached: 1 };
  return { rows, reached: ceiling === OPEN_END ? last : Math.max(pivot, ceiling) };
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
  // Lazy loading: only the members who sent the returned events, chosen in the query.
  const members = lazyLoadedMembers(request.filter, [...before.rows, row, ...after.rows].map((r) => r.sender));
  // The spec applies the filter to `state` as well as to both sides (never to the event itself).
  const state = await filteredStateAt(db, request.roomId, lastPos, request.filter, members);
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
