// GET /rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]: a parent's children, paged by stream position.
import type { JsonObject, JsonValue } from "../protocol/json-value";
import { err, ok, type Result } from "../protocol/result";
import type { EventNotVisible } from "./event-context";
import { visibleEvent } from "./event-context";
import { EVENT_COLUMNS, type EventRow } from "./event-rows";
import { highestVisible, inVisibleRanges } from "./history-visibility";
import { roomPageChunk } from "./relations-aggregation";
import { formatSyncToken, parseSyncToken, tokenAt, type InvalidSyncToken } from "./sync-token";

export interface RelationsRequest {
  readonly userId: string;
  readonly deviceId?: string;
  readonly roomId: string;
  readonly eventId: string;
  readonly relType?: string;
  readonly eventType?: string;
  readonly dir: "b" | "f";
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
  readonly recurse: boolean;
  readonly now: number;
}

export const DEFAULT_RELATIONS_LIMIT = 50;
export const MAX_RELATIONS_LIMIT = 500;
/** How deep `recurse=true` follows children of children (the spec leaves the depth to the server). */
export const RELATIONS_RECURSION_DEPTH = 3;

/**
 * Tokens are /messages tokens (position p: "after the event at p"), so a `/messages` start or a
 * /sync next_batch is a valid `from`. Backwards from p gives children at p and below.
 */
export async function relationsOf(
  db: D1Database,
  request: RelationsRequest,
): Promise<Result<JsonObject, EventNotVisible | InvalidSyncToken>> {
  const from = request.from === undefined || request.from === "" ? undefined : parseSyncToken(request.from);
  if (from !== undefined && !from.ok) return err(from.error);
  const to = request.to === undefined || request.to === "" ? undefined : parseSyncToken(request.to);
  if (to !== undefined && !to.ok) return err(to.error);
  const parent = await visibleEvent(db, request);
  if (parent === undefined) return err({ _tag: "EventNotVisible", reason: "Event not found or you do not have permission to read it" });
  // Children are filtered by history visibility like the parent: only positions the user may read.
  const { ranges } = parent;
  const ceiling = highestVisible(ranges);
  const limit = Math.max(1, Math.min(request.limit ?? DEFAULT_RELATIONS_LIMIT, MAX_RELATIONS_LIMIT));
  const depth = request.recurse ? RELATIONS_RECURSION_DEPTH : 1;
  const backwards = request.dir === "b";
  // The window of positions (low, high]: `from` and `to` bound it from the direction's two ends.
  const high = Math.min(backwards ? (from?.value.pdu ?? ceiling) : (to?.value.pdu ?? ceiling), ceiling);
  const low = backwards ? (to?.value.pdu ?? 0) : (from?.value.pdu ?? 0);
  // Children whose relation matches the filters, then theirs: a child reached only through a
  // non-matching event is left out (spec).
  const rows = await db
    .prepare(
      `WITH RECURSIVE tree(event_id, depth) AS (
         SELECT r.event_id, 1 FROM relations r
         WHERE r.relates_to = ?1 AND r.room_id = ?2 AND (?3 IS NULL OR r.rel_type = ?3) AND (?4 IS NULL OR r.type = ?4)
         UNION
         SELECT r.event_id, t.depth + 1 FROM tree t JOIN relations r ON r.relates_to = t.event_id
         WHERE t.depth < ?5 AND r.room_id = ?2 AND (?3 IS NULL OR r.rel_type = ?3) AND (?4 IS NULL OR r.type = ?4)
       )
       SELECT DISTINCT ${EVENT_COLUMNS} FROM tree t JOIN events e ON e.event_id = t.event_id
       WHERE e.status = 'accepted' AND e.stream_pos > ?6 AND e.stream_pos <= ?7 AND ${inVisibleRanges("e.stream_pos", "?9")}
       ORDER BY e.stream_pos ${backwards ? "DESC" : "ASC"} LIMIT ?8`,
    )
    .bind(request.eventId, request.roomId, request.relType ?? null, request.eventType ?? null, depth, low, high, limit + 1, JSON.stringify(ranges))
    .all<EventRow>();
  const page = rows.results.slice(0, limit);
  const body: Record<string, JsonValue> = { chunk: await roomPageChunk(db, page, request, ranges) };
  const last = page.at(-1);
  if (rows.results.length > limit && last !== undefined) {
    body["next_batch"] = formatSyncToken(tokenAt(backwards ? last.stream_pos - 1 : last.stream_pos));
  }
  if (request.from !== undefined && request.from !== "") body["prev_batch"] = request.from;
  if (request.recurse) body["recursion_depth"] = RELATIONS_RECURSION_DEPTH;
  return ok(body);
}
