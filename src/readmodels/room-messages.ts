// /rooms/{roomId}/messages: pages of a room's timeline by stream position, backwards or forwards.
import type { RoomEventFilter } from "../protocol/filters/filter-definition";
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { type EventRow, type FormatOptions, toClientEvents } from "./event-rows";
import { filteredEventsBetween, senderMembersAt } from "./filtered-room-events";
import { highestVisible, OPEN_END, visibleRangesFor } from "./history-visibility";
import { roomPageChunk } from "./relations-aggregation";
import { formatSyncToken, parseSyncToken, tokenAt, type InvalidSyncToken } from "./sync-token";

export interface MessagesRequest {
  readonly userId: string;
  readonly deviceId?: string;
  readonly roomId: string;
  readonly dir: "b" | "f";
  readonly from?: string;
  readonly to?: string;
  /** The `limit` query parameter; when absent the filter's `limit`, else DEFAULT_MESSAGES_LIMIT. */
  readonly limit?: number;
  /** Only matching events fill the page (and count toward the limit); `lazy_load_members` adds `state`. */
  readonly filter?: RoomEventFilter;
  readonly now: number;
}

/** The requester has no membership that lets it read this room's timeline (403 M_FORBIDDEN). */
export interface NotInRoom {
  readonly _tag: "NotInRoom";
  readonly reason: string;
  readonly roomId: string;
}

export const DEFAULT_MESSAGES_LIMIT = 10;
const MAX_MESSAGES_LIMIT = 1000;

/**
 * The chunk carries bundled aggregations (threads, edits, references) as the spec asks of /messages.
 * A token is a point between events: position p means "after the event at p". Backwards from p
 * returns events at p and below; forwards from p returns events above p. So a /sync `prev_batch`
 * (the point before its timeline) and `next_batch` are valid `from` and `to` values as they are.
 */
export async function roomMessages(db: D1Database, request: MessagesRequest): Promise<Result<JsonObject, InvalidSyncToken | NotInRoom>> {
  const from = request.from === undefined || request.from === "" ? undefined : parseSyncToken(request.from);
  if (from !== undefined && !from.ok) return err(from.error);
  const to = request.to === undefined || request.to === "" ? undefined : parseSyncToken(request.to);
  if (to !== undefined && !to.ok) return err(to.error);

  // History visibility decides which positions the user reads: a member who left reads up to their
  // leave, a later joiner of a `shared` room reads what came before, anyone reads `world_readable`.
  const ranges = await visibleRangesFor(db, request.userId, request.roomId);
  if (ranges.length === 0) return err({ _tag: "NotInRoom", reason: "You aren't a member of the room", roomId: request.roomId });
  const ceiling = highestVisible(ranges);
  const limit = Math.max(1, Math.min(request.limit ?? request.filter?.limit ?? DEFAULT_MESSAGES_LIMIT, MAX_MESSAGES_LIMIT));
  const options = {
    now: request.now,
    includeRoomId: true,
    viewer: { userId: request.userId, ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }) },
  };
  const query = { roomId: request.roomId, ranges, limit, filter: request.filter };

  if (request.dir === "b") {
    const start = Math.min(from?.value.pdu ?? ceiling, ceiling);
    const floor = to?.value.pdu ?? 0;
    const rows = await filteredEventsBetween(db, { ...query, after: floor, upTo: start, order: "desc" });
    const page = rows.slice(0, limit);
    const body: Record<string, JsonValue> = {
      start: request.from || formatSyncToken(tokenAt(start === OPEN_END ? await topPosition(db, request.roomId) : start)),
      chunk: await roomPageChunk(db, page, request, ranges),
    };
    // Filtered-out events below the last one returned are skipped again by the next page's query.
    const last = page.at(-1);
    if (rows.length > limit && last !== undefined) body["end"] = formatSyncToken(tokenAt(last.stream_pos - 1));
    return ok(await withMemberState(db, request, page, body, options));
  }
  const start = from?.value.pdu ?? 0;
  const top = Math.min(to?.value.pdu ?? OPEN_END, ceiling);
  const rows = await filteredEventsBetween(db, { ...query, after: start, upTo: top, order: "asc" });
  const page = rows.slice(0, limit);
  const body: Record<string, JsonValue> = {
    start: request.from || formatSyncToken(tokenAt(start)),
    chunk: await roomPageChunk(db, page, request, ranges),
  };
  const last = page.at(-1);
  if (rows.length > limit && last !== undefined) body["end"] = formatSyncToken(tokenAt(last.stream_pos));
  return ok(await withMemberState(db, request, page, body, options));
}

/**
 * Lazy loading (`lazy_load_members`): `state` carries the m.room.member event of each sender of the
 * chunk as it was at their events. Redundant members are always sent: the spec allows it, and this
 * endpoint keeps no record of what a client was sent before.
 */
async function withMemberState(
  db: D1Database,
  request: MessagesRequest,
  page: readonly EventRow[],
  body: Record<string, JsonValue>,
  options: FormatOptions,
): Promise<JsonObject> {
  if (request.filter?.lazy_load_members !== true || page.length === 0) return body;
  const members = await senderMembersAt(db, request.roomId, page);
  return { ...body, state: await toClientEvents(db, members, options) };
}

async function topPosition(db: D1Database, roomId: string): Promise<number> {
  const row = await db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS pos FROM events WHERE room_id = ?").bind(roomId).first<{ pos: number }>();
  return row?.pos ?? 0;
}
