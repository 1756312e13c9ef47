// Where a user has read up to in a room, per timeline (spec "Threaded read receipts"); shared by /sync's unread counts and GET /notifications.

/**
 * Where a user has read up to in one room, as stream positions. `unthreaded` covers the whole
 * room; `main` the main timeline; `threads` each thread by its root's event ID.
 */
export interface ReadPosition {
  readonly unthreaded: number;
  readonly main?: number;
  readonly threads?: ReadonlyMap<string, number>;
}

/** The read receipts that clear notifications (spec "Receipts": whichever of the two is ahead). */
export const READ_RECEIPTS = "('m.read', 'm.read.private')";

/**
 * SQL: the thread an event belongs to, from the event's row in `relations` (aliased `rel`), or
 * NULL for the main timeline. One or two relation hops from the thread root (spec "Threading":
 * a reaction to a thread reply is in the thread; the root and what relates to it are main).
 */
export const threadOfRelation = (rel: string): string =>
  `CASE WHEN ${rel}.rel_type = 'm.thread' THEN ${rel}.relates_to
        ELSE (SELECT thread_hop.relates_to FROM relations thread_hop
              WHERE thread_hop.event_id = ${rel}.relates_to AND thread_hop.rel_type = 'm.thread') END`;

/** A user's furthest read receipt per room and thread ('' unthreaded, 'main', or a root's event ID). */
export interface ReceiptPositionRow {
  readonly room_id: string;
  readonly thread_id: string;
  readonly position: number;
}

/** The user's furthest read receipt (m.read or m.read.private) per room and thread, as ReceiptPositionRow. */
export function receiptPositionsStatement(db: D1Database, userId: string, roomIds: readonly string[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT rc.room_id, rc.thread_id, MAX(e.stream_pos) AS position FROM receipts rc JOIN events e ON e.event_id = rc.event_id
       WHERE rc.room_id IN (SELECT value FROM json_each(?1)) AND rc.user_id = ?2 AND rc.receipt_type IN ${READ_RECEIPTS}
       GROUP BY rc.room_id, rc.thread_id`,
    )
    .bind(JSON.stringify(roomIds), userId);
}

/**
 * Where the user has read up to in each room: `floor` (their join), raised by their read receipts.
 * An unthreaded receipt covers the whole room, `main` the main timeline, a thread ID that thread.
 */
export function readPositions(
  rooms: readonly { readonly roomId: string; readonly floor: number }[],
  receipts: readonly ReceiptPositionRow[],
): Map<string, ReadPosition> {
  const out = new Map<string, { unthreaded: number; main?: number; threads: Map<string, number> }>(
    rooms.map((r) => [r.roomId, { unthreaded: r.floor, threads: new Map() }]),
  );
  for (const row of receipts) {
    const entry = out.get(row.room_id);
    if (entry === undefined) continue;
    if (row.thread_id === "") entry.unthreaded = Math.max(entry.unthreaded, row.position);
    else if (row.thread_id === "main") entry.main = row.position;
    else entry.threads.set(row.thread_id, row.position);
  }
  return out;
}

/**
 * The position up to which the events of one timeline (a thread root's event ID, or null for the
 * main timeline) are read: the unthreaded receipt or that timeline's own, whichever is ahead.
 */
export function readUpTo(position: ReadPosition, threadId: string | null): number {
  const timeline = threadId === null ? position.main : position.threads?.get(threadId);
  return Math.max(position.unthreaded, timeline ?? 0);
}
