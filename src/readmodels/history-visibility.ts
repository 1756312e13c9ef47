// History visibility over the D1 read models: which stream positions of a room a user may read.
import {
  historyVisibilityOf,
  inRanges,
  INITIAL_VIEW_STATE,
  OPEN_END,
  visibleRanges,
  type PositionRange,
  type ViewChange,
  type ViewState,
} from "../protocol/history-visibility";
import { EVENT_COLUMNS, type EventRow } from "./event-rows";

export type { PositionRange } from "../protocol/history-visibility";
export { inRanges, OPEN_END } from "../protocol/history-visibility";

/** A room's readable positions for one user, as sorted inclusive ranges (see protocol/history-visibility). */
export type VisibleRanges = readonly PositionRange[];

interface HistoryRow {
  readonly room_id: string;
  readonly stream_pos: number;
  readonly kind: "visibility" | "membership";
  /** The content value; NULL when the key left the state. */
  readonly value: string | null;
}

/**
 * The changes of the history visibility and of `userId`'s membership in each room, oldest first:
 * two index lookups (state_changes' key is room, type, state_key, position), whatever the rooms'
 * size. The state at any position is the last change at or before it. With `memberRooms`, every
 * room the user has a membership in is read too, besides `roomIds`.
 */
export function visibilityHistoryStatement(
  db: D1Database,
  userId: string,
  roomIds: readonly string[],
  memberRooms = false,
): D1PreparedStatement {
  return db
    .prepare(
      `WITH r(value) AS (SELECT value FROM json_each(?1) UNION SELECT room_id FROM memberships WHERE user_id = ?2 AND ?3)
       SELECT sc.room_id, sc.stream_pos, 'visibility' AS kind, json_extract(e.event_json, '$.content.history_visibility') AS value
       FROM r JOIN state_changes sc
         ON sc.room_id = r.value AND sc.type = 'm.room.history_visibility' AND sc.state_key = ''
       LEFT JOIN events e ON e.event_id = sc.event_id
       UNION ALL
       SELECT sc.room_id, sc.stream_pos, 'membership' AS kind, json_extract(e.event_json, '$.content.membership') AS value
       FROM r JOIN state_changes sc
         ON sc.room_id = r.value AND sc.type = 'm.room.member' AND sc.state_key = ?2
       LEFT JOIN events e ON e.event_id = sc.event_id
       ORDER BY 1, 2`,
    )
    .bind(JSON.stringify([...new Set(roomIds)]), userId, memberRooms ? 1 : 0);
}

/** Each room's visible ranges from the rows of `visibilityHistoryStatement` (rooms with no rows get their default). */
export function rangesFromHistory(rows: readonly HistoryRow[], roomIds: readonly string[]): Map<string, VisibleRanges> {
  const changes = new Map<string, ViewChange[]>(roomIds.map((id) => [id, []]));
  for (const row of rows) {
    const list = changes.get(row.room_id) ?? [];
    changes.set(row.room_id, list);
    const last = list.at(-1);
    const previous: ViewState = last?.after ?? INITIAL_VIEW_STATE;
    const after: ViewState =
      row.kind === "visibility"
        ? { ...previous, visibility: historyVisibilityOf(row.value ?? undefined) }
        : { ...previous, membership: typeof row.value === "string" ? row.value : undefined };
    // Both keys changing at one position (state resolution) make one change.
    if (last !== undefined && last.pos === row.stream_pos) list[list.length - 1] = { pos: row.stream_pos, after };
    else list.push({ pos: row.stream_pos, after });
  }
  return new Map([...changes].map(([roomId, list]) => [roomId, visibleRanges(list)]));
}

export const rowsOf = (result: D1Result | undefined): HistoryRow[] => (result?.results ?? []) as HistoryRow[];

/** The positions of each room `userId` may read: one D1 query for any number of rooms. */
export async function visibleRangesForRooms(db: D1Database, userId: string, roomIds: readonly string[]): Promise<Map<string, VisibleRanges>> {
  if (roomIds.length === 0) return new Map();
  const rows = await visibilityHistoryStatement(db, userId, roomIds).all<HistoryRow>();
  return rangesFromHistory(rows.results, roomIds);
}

/**
 * Every room the user has a membership in, plus `extraRooms` (rooms a non-member asks for by name,
 * readable where `world_readable`), with the positions readable in each; rooms with none are left
 * out. One D1 query.
 */
export async function readableRoomsOf(db: D1Database, userId: string, extraRooms: readonly string[] = []): Promise<Map<string, VisibleRanges>> {
  const rows = (await visibilityHistoryStatement(db, userId, extraRooms, true).all<HistoryRow>()).results;
  const ranges = rangesFromHistory(rows, []);
  return new Map([...ranges].filter(([, r]) => r.length > 0));
}

/** The positions of one room `userId` may read (empty: none; the user may not read the room at all). */
export async function visibleRangesFor(db: D1Database, userId: string, roomId: string): Promise<VisibleRanges> {
  return (await visibleRangesForRooms(db, userId, [roomId])).get(roomId) ?? [];
}

/** The highest readable position (OPEN_END when the user reads on into the future), or 0 for none. */
export const highestVisible = (ranges: VisibleRanges): number => ranges.at(-1)?.[1] ?? 0;

/**
 * SQL condition: `column` lies in the ranges bound (as `JSON.stringify(ranges)`) at `param`.
 * The ranges are few (each is a stretch between two changes of the setting or the membership).
 */
export const inVisibleRanges = (column: string, param: string): string =>
  `EXISTS (SELECT 1 FROM json_each(${param}) vr WHERE ${column} BETWEEN vr.value->>0 AND vr.value->>1)`;

/**
 * Accepted events of a room the user may read with `after < stream_pos <= upTo`, oldest first
 * (`asc`) or newest first, at most `limit` + 1 (the extra row says more exist).
 */
export async function visibleEventsBetween(
  db: D1Database,
  roomId: string,
  ranges: VisibleRanges,
  after: number,
  upTo: number,
  limit: number,
  order: "asc" | "desc",
): Promise<EventRow[]> {
  const first = ranges[0];
  if (first === undefined) return [];
  const low = Math.max(after, first[0] - 1);
  const high = Math.min(upTo, highestVisible(ranges));
  if (high <= low) return [];
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM events e
       WHERE e.room_id = ?1 AND e.status = 'accepted' AND e.stream_pos > ?2 AND e.stream_pos <= ?3
         AND ${inVisibleRanges("e.stream_pos", "?4")}
       ORDER BY e.stream_pos ${order === "asc" ? "ASC" : "DESC"} LIMIT ?5`,
    )
    .bind(roomId, low, high, JSON.stringify(ranges), limit + 1)
    .all<EventRow>();
  return rows.results;
}

export const isOpenEnded = (ranges: VisibleRanges): boolean => highestVisible(ranges) === OPEN_END;
