// Read receipts as D1 records: one per (room, user, type, thread), each change at a position of the receipt stream.
import { MAIN_THREAD, type ReceiptRecord, type ReceiptType } from "../protocol/ephemeral/receipt-events";
import { err, ok, type Result } from "../protocol/result";
import { ephemeralError, type EphemeralError } from "./ephemeral-error";
import { inRanges, rangesFromHistory, rowsOf, visibilityHistoryStatement } from "./history-visibility";

/** Spec "Threaded read receipts": at most this many relation hops lead from an event to its thread root. */
const MAX_THREAD_HOPS = 3;

/** Where an event is: its timeline position and the thread it belongs to (`main` or the root's ID). */
export interface EventPlace {
  readonly streamPos: number;
  readonly thread: string;
}

/**
 * The position and thread of an accepted event of `roomId` that `viewer` may see, or undefined when
 * the room has no such event or history visibility hides it from them (the two answer alike, so a
 * receipt cannot probe for events). An event is in a thread when it has an m.thread relation, or (up to three hops) relates to
 * an event that has one; everything else, thread roots included, is in the main timeline.
 */
export async function eventPlace(db: D1Database, viewer: string, roomId: string, eventId: string): Promise<EventPlace | undefined> {
  const [event, thread, history] = await db.batch([
    db.prepare("SELECT stream_pos FROM events WHERE event_id = ? AND room_id = ? AND status = 'accepted'").bind(eventId, roomId),
    db
      .prepare(
        `WITH RECURSIVE chain (relates_to, rel_type, hops) AS (
           SELECT relates_to, rel_type, 1 FROM relations WHERE event_id = ?1 AND room_id = ?2
           UNION ALL
           SELECT r.relates_to, r.rel_type, c.hops + 1 FROM relations r JOIN chain c ON r.event_id = c.relates_to
           WHERE c.rel_type <> 'm.thread' AND c.hops < ?3 AND r.room_id = ?2
         )
         SELECT relates_to FROM chain WHERE rel_type = 'm.thread' ORDER BY hops LIMIT 1`,
      )
      .bind(eventId, roomId, MAX_THREAD_HOPS),
    visibilityHistoryStatement(db, viewer, [roomId]),
  ]);
  const pos = (event?.results[0] as { stream_pos: number } | undefined)?.stream_pos;
  if (pos === undefined) return undefined;
  if (!inRanges(rangesFromHistory(rowsOf(history), [roomId]).get(roomId) ?? [], pos)) return undefined;
  const root = (thread?.results[0] as { relates_to: string } | undefined)?.relates_to;
  return { streamPos: pos, thread: root ?? MAIN_THREAD };
}

/** A receipt to store: the same fields as a stored one. */
export type ReceiptWrite = ReceiptRecord;

/**
 * Stores a receipt after checking its event: 404 when the room has no such event (that the user may see), 400 when a
 * `thread_id` names a thread the event is not in (spec: "The event_id is not related to the
 * thread_id"). Returns the new receipt position, or undefined when nothing changed: a receipt only
 * moves forward, so one for an event at or before the current one of its (room, user, type,
 * thread) is accepted and ignored (the spec's "read up to" marker cannot move back). The check and
 * the write are one statement, so two racing receipts cannot move it backwards either.
 */
export async function storeReceipt(db: D1Database, receipt: ReceiptWrite): Promise<Result<number | undefined, EphemeralError>> {
  const place = await eventPlace(db, receipt.userId, receipt.roomId, receipt.eventId);
  if (place === undefined) return err(ephemeralError("event_not_found", "Event not found in this room"));
  if (receipt.threadId !== undefined && receipt.threadId !== place.thread) {
    return err(ephemeralError("invalid_param", `The event is not in the thread ${JSON.stringify(receipt.threadId.slice(0, 100))}`));
  }
  const row = await db
    .prepare(
      `INSERT OR REPLACE INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6
       WHERE NOT EXISTS (
         SELECT 1 FROM receipts r JOIN events e ON e.event_id = r.event_id
         WHERE r.room_id = ?1 AND r.user_id = ?2 AND r.receipt_type = ?3 AND r.thread_id = ?4 AND e.stream_pos >= ?7)
       RETURNING stream_pos`,
    )
    .bind(receipt.roomId, receipt.userId, receipt.type, receipt.threadId ?? "", receipt.eventId, receipt.ts, place.streamPos)
    .first<{ stream_pos: number }>();
  return ok(row?.stream_pos);
}

/** The receipt stream's head: the position of the newest receipt of anyone. */
export async function receiptPosition(db: D1Database): Promise<number> {
  const row = await db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM receipts").first<{ position: number }>();
  return row?.position ?? 0;
}

interface ReceiptRow {
  readonly room_id: string;
  readonly user_id: string;
  readonly receipt_type: ReceiptType;
  readonly thread_id: string;
  readonly event_id: string;
  readonly ts: number;
}

export interface ReceiptChanges {
  /** The receipt stream position the answer is complete up to. */
  readonly position: number;
  readonly receipts: readonly ReceiptRecord[];
}

/**
 * The receipts `viewer` may see in `roomIds`: those changed in `(after, head]`, plus every current
 * one of `fullRoomIds` (rooms new to the client). Other users' m.read.private never leave the
 * database. Head and rows are read in one batch, so they agree.
 */
export async function receiptChanges(
  db: D1Database,
  viewer: string,
  roomIds: readonly string[],
  after: number,
  fullRoomIds: readonly string[],
): Promise<ReceiptChanges> {
  const [head, rows] = await db.batch([
    db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM receipts"),
    db
      .prepare(
        `SELECT room_id, user_id, receipt_type, thread_id, event_id, ts FROM receipts
         WHERE room_id IN (SELECT value FROM json_each(?1))
           AND (stream_pos > ?2 OR room_id IN (SELECT value FROM json_each(?3)))
           AND (receipt_type = 'm.read' OR user_id = ?4)
         ORDER BY stream_pos`,
      )
      .bind(JSON.stringify(roomIds), after, JSON.stringify(fullRoomIds), viewer),
  ]);
  const position = (head?.results[0] as { position: number } | undefined)?.position ?? 0;
  const receipts = ((rows?.results ?? []) as ReceiptRow[]).map(
    (r): ReceiptRecord => ({
      roomId: r.room_id,
      userId: r.user_id,
      type: r.receipt_type,
      threadId: r.thread_id === "" ? undefined : r.thread_id,
      eventId: r.event_id,
      ts: r.ts,
    }),
  );
  return { position, receipts };
}

/**
 * The timeline position `userId` has read up to in `roomId` (for unread counts): the furthest of
 * their m.read and m.read.private receipts that cover the main timeline (unthreaded or `main`;
 * spec: the more "ahead" of the two counts). Undefined when they sent none.
 */
export async function readUpToPosition(db: D1Database, userId: string, roomId: string): Promise<number | undefined> {
  const row = await db
    .prepare(
      `SELECT MAX(e.stream_pos) AS position FROM receipts r JOIN events e ON e.event_id = r.event_id
       WHERE r.room_id = ? AND r.user_id = ? AND r.thread_id IN ('', 'main')`,
    )
    .bind(roomId, userId)
    .first<{ position: number | null }>();
  return row?.position ?? undefined;
}
