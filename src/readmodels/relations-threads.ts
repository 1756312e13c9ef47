// GET /rooms/{roomId}/threads: the room's thread roots, most recently active first.
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import { EVENT_COLUMNS, type EventRow } from "./event-rows";
import { inVisibleRanges, visibleRangesFor } from "./history-visibility";
import { roomPageChunk } from "./relations-aggregation";
import type { NotInRoom } from "./room-messages";
import { formatSyncToken, parseSyncToken, tokenAt, type InvalidSyncToken } from "./sync-token";

export interface ThreadsRequest {
  readonly userId: string;
  readonly deviceId?: string;
  readonly roomId: string;
  readonly include: "all" | "participated";
  readonly from?: string;
  readonly limit?: number;
  readonly now: number;
}

export const DEFAULT_THREADS_LIMIT = 50;
const MAX_THREADS_LIMIT = 500;

/**
 * A thread's activity is the position of its newest visible reply, unique across threads (each
 * reply belongs to one root), so a /messages-style token of that position pages without overlap:
 * from p returns threads whose activity is at p or below.
 */
export async function roomThreads(db: D1Database, request: ThreadsRequest): Promise<Result<JsonObject, NotInRoom | InvalidSyncToken>> {
  const from = request.from === undefined || request.from === "" ? undefined : parseSyncToken(request.from);
  if (from !== undefined && !from.ok) return err(from.error);
  // Roots and replies alike count only where history visibility lets the user read.
  const ranges = await visibleRangesFor(db, request.userId, request.roomId);
  if (ranges.length === 0) return err({ _tag: "NotInRoom", reason: "You aren't a member of the room", roomId: request.roomId });
  const limit = Math.max(1, Math.min(request.limit ?? DEFAULT_THREADS_LIMIT, MAX_THREADS_LIMIT));
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS}, t.activity FROM (
         SELECT r.relates_to AS root, MAX(r.stream_pos) AS activity, SUM(r.sender = ?3) AS mine
         FROM relations r WHERE r.room_id = ?1 AND r.rel_type = 'm.thread' AND ${inVisibleRanges("r.stream_pos", "?2")}
         GROUP BY r.relates_to
       ) t JOIN events e ON e.event_id = t.root
       WHERE e.room_id = ?1 AND e.status = 'accepted' AND ${inVisibleRanges("e.stream_pos", "?2")} AND t.activity <= ?4
         AND (?5 = 0 OR t.mine > 0 OR e.sender = ?3)
       ORDER BY t.activity DESC LIMIT ?6`,
    )
    .bind(request.roomId, JSON.stringify(ranges), request.userId, from?.value.pdu ?? Number.MAX_SAFE_INTEGER, request.include === "participated" ? 1 : 0, limit + 1)
    .all<EventRow & { activity: number }>();
  const page = rows.results.slice(0, limit);
  const body: Record<string, JsonValue> = { chunk: await roomPageChunk(db, page, request, ranges) };
  const last = page.at(-1);
  if (rows.results.length > limit && last !== undefined) body["next_batch"] = formatSyncToken(tokenAt(last.activity - 1));
  return ok(body);
}
