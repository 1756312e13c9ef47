// GET /rooms/{roomId}/event/{eventId} and /context/{eventId}: one event, or one event with its neighbours and the state.
import { eventMatchesFilter } from "../protocol/filters/event-filter-match";
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import { lazyLoadedMembers } from "../protocol/filters/lazy-members";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import type { ClientEvent } from "./client-event";
import { readCeiling } from "./event-context-access";
import { EVENT_COLUMNS, toClientEvents, type EventRow } from "./event-rows";
import { clientEventsWithRelations } from "./relations-aggregation";
import { eventsBetween, stateAt } from "./room-queries";
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

/** The event row and the reader's ceiling in its room, when the reader may see it. */
export async function visibleEvent(db: D1Database, request: EventRequest): Promise<{ row: EventRow; ceiling: number } | undefined> {
  const ceiling = await readCeiling(db, request.userId, request.roomId);
  if (ceiling === undefined) return undefined;
  const row = await db
    .prepare(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.event_id = ? AND e.room_id = ? AND e.status = 'accepted' AND e.stream_pos <= ?`)
    .bind(request.eventId, request.roomId, ceiling)
    .first<EventRow>();
  return row === null ? undefined : { row, ceiling };
}

const viewerOf = (r: EventRequest, ceiling: number) => ({
  userId: r.userId,
  ...(r.deviceId === undefined ? {} : { deviceId: r.deviceId }),
  ceilings: new Map([[r.roomId, ceiling]]),
});

export async function roomEvent(db: D1Database, request: EventRequest): Promise<Result<ClientEvent, EventNotVisible>> {
  const found = await visibleEvent(db, request);
  if (found === undefined) return err(notVisible());
  const [event] = await clientEventsWithRelations(db, [found.row], viewerOf(request, found.ceiling), { now: request.now, includeRoomId: true });
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
  ceiling: number,
  want: number,
  dir: "before" | "after",
): Promise<{ rows: EventRow[]; reached: number }> {
  const rows: EventRow[] = [];
  let cursor = pivot;
  let scanned = 0;
  const batch = Math.max(want, 20);
  while (rows.length < want && scanned < MAX_SCAN) {
    const page =
      dir === "before"
        ? await eventsBetween(db, request.roomId, 0, cursor - 1, batch, "desc")
        : await eventsBetween(db, request.roomId, cursor, ceiling, batch, "asc");
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
  const { row, ceiling } = found;
  const beforeWant = Math.floor(request.limit / 2);
  const afterWant = request.limit - beforeWant;
  const before = beforeWant === 0 ? { rows: [], reached: row.stream_pos } : await side(db, request, row.stream_pos, ceiling, beforeWant, "before");
  const after = afterWant === 0 ? { rows: [], reached: row.stream_pos } : await side(db, request, row.stream_pos, ceiling, afterWant, "after");
  const viewer = viewerOf(request, ceiling);
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
