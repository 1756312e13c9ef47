// GET /rooms/{roomId}/timestamp_to_event: the accepted event nearest a timestamp, in one direction, that the user may see.
import { err, ok, type Result } from "../protocol/result";
import { inVisibleRanges, visibleRangesFor } from "./history-visibility";
import type { NotInRoom } from "./room-messages";

export type TimestampDirection = "f" | "b";

export interface TimestampRequest {
  readonly userId: string;
  readonly roomId: string;
  readonly ts: number;
  readonly dir: TimestampDirection;
}

export interface EventAtTimestamp {
  readonly event_id: string;
  readonly origin_server_ts: number;
}

/** No visible event at or after (`f`) / at or before (`b`) the timestamp: 404 M_NOT_FOUND. */
export interface NoEventAtTimestamp {
  readonly _tag: "NoEventAtTimestamp";
  readonly reason: string;
}

/**
 * The closest event in `dir` (ties on the timestamp go to the earliest position going forward,
 * the latest going back). One D1 query over the `events_by_room_ts` index, bounded to the
 * positions the user may read; none readable at all answers NotInRoom (403).
 */
export async function eventAtTimestamp(
  db: D1Database,
  request: TimestampRequest,
): Promise<Result<EventAtTimestamp, NotInRoom | NoEventAtTimestamp>> {
  const ranges = await visibleRangesFor(db, request.userId, request.roomId);
  if (ranges.length === 0) return err({ _tag: "NotInRoom", reason: "You may not view events in this room", roomId: request.roomId });
  const forward = request.dir === "f";
  const row = await db
    .prepare(
      `SELECT e.event_id, e.origin_server_ts FROM events e INDEXED BY events_by_room_ts
       WHERE e.room_id = ?1 AND e.origin_server_ts ${forward ? ">=" : "<="} ?2 AND e.status = 'accepted'
         AND ${inVisibleRanges("e.stream_pos", "?3")}
       ORDER BY e.origin_server_ts ${forward ? "ASC" : "DESC"}, e.stream_pos ${forward ? "ASC" : "DESC"} LIMIT 1`,
    )
    .bind(request.roomId, request.ts, JSON.stringify(ranges))
    .first<EventAtTimestamp>();
  if (row === null) {
    const way = forward ? "forward" : "backward";
    return err({ _tag: "NoEventAtTimestamp", reason: `Unable to find an event from ${request.ts} in the ${way} direction` });
  }
  return ok({ event_id: row.event_id, origin_server_ts: row.origin_server_ts });
}
