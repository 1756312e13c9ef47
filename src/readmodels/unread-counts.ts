// Unread notification and highlight counts of one room for one user: the push rules run over the events after their read position.
import { isJsonObject, type JsonObject } from "../protocol/json-value";
import { roomPushContext } from "../protocol/push/room-push-context";
import { evaluatePushRules } from "../protocol/push/evaluate-push-rules";
import { emptyUserPushRules, mergePushRules, type UserPushRules } from "../protocol/push/user-push-rules";
import { DEFAULT_ROOM_VERSION } from "../protocol/room-versions";
import { effectivePushRules } from "./push-rule-store";
import { READ_RECEIPTS, readPositions, readUpTo, receiptPositionsStatement, threadOfRelation, type ReceiptPositionRow } from "./read-positions";

/** The `unread_notifications` object of a joined room in /sync. */
export interface UnreadCounts {
  readonly notification_count: number;
  readonly highlight_count: number;
}

export interface CountUnreadOptions {
  /** Count only events at or below this position (the sync's snapshot), so counts agree with the timeline. */
  readonly upTo?: number;
  /** At most this many of the newest unread events are evaluated, bounding the work for a long-unread room. */
  readonly maxEvents?: number;
}

const DEFAULT_MAX_EVENTS = 1000;

interface StateRow {
  readonly type: string;
  readonly state_key: string;
  readonly event_id: string;
  readonly event_json: string;
}

/** The push context from the read models' state rows (their `event_json` parsed). */
const evaluationContext = (userId: string, roomVersion: string, stateRows: readonly StateRow[], memberCount: number) =>
  roomPushContext(
    userId,
    roomVersion,
    stateRows.map((row) => ({ type: row.type, state_key: row.state_key, event_id: row.event_id, pdu: JSON.parse(row.event_json) as JsonObject })),
    memberCount,
  );

/**
 * Counts the events after `sinceReceiptPos` (a stream position: the user's read receipt, or their
 * join when they have none) whose push actions notify, and among them those that highlight. The
 * user's own events never count (spec "Push Rules"), nor do rejected, soft-failed or redacted ones.
 * Member count, power levels and the user's display name are the room's current ones, not those
 * at each event: close enough for a count, and it costs one read instead of one per event.
 */
export async function countUnread(
  db: D1Database,
  userId: string,
  roomId: string,
  sinceReceiptPos: number,
  options: CountUnreadOptions = {},
): Promise<UnreadCounts> {
  const upTo = options.upTo ?? Number.MAX_SAFE_INTEGER;
  const [version, state, members, events] = await db.batch([
    db.prepare("SELECT room_version FROM rooms WHERE room_id = ?").bind(roomId),
    db
      .prepare(
        `SELECT cs.type, cs.state_key, cs.event_id, e.event_json FROM current_state cs JOIN events e ON e.event_id = cs.event_id
         WHERE cs.room_id = ?1 AND ((cs.type IN ('m.room.create', 'm.room.power_levels') AND cs.state_key = '')
           OR (cs.type = 'm.room.member' AND cs.state_key = ?2))`,
      )
      .bind(roomId, userId),
    db.prepare("SELECT COUNT(*) AS n FROM memberships WHERE room_id = ? AND membership = 'join'").bind(roomId),
    db
      .prepare(
        `SELECT sender, event_json FROM events
         WHERE room_id = ? AND status = 'accepted' AND redacted_because IS NULL AND sender <> ?
           AND stream_pos > ? AND stream_pos <= ?
         ORDER BY stream_pos DESC LIMIT ?`,
      )
      .bind(roomId, userId, sinceReceiptPos, upTo, options.maxEvents ?? DEFAULT_MAX_EVENTS),
  ]);
  const eventRows = (events?.results ?? []) as { sender: string; event_json: string }[];
  if (eventRows.length === 0) return { notification_count: 0, highlight_count: 0 };
  const roomVersion = (version?.results[0] as { room_version: string } | undefined)?.room_version ?? DEFAULT_ROOM_VERSION;
  const memberCount = (members?.results[0] as { n: number } | undefined)?.n ?? 0;
  const contextFor = evaluationContext(userId, roomVersion, (state?.results ?? []) as StateRow[], memberCount);
  const ruleset = await effectivePushRules(db, userId);
  let notification_count = 0;
  let highlight_count = 0;
  for (const row of eventRows) {
    const event: unknown = JSON.parse(row.event_json);
    if (!isJsonObject(event)) continue;
    const match = evaluatePushRules(ruleset, event as JsonObject, contextFor(row.sender));
    if (match === null || !match.notify) continue;
    notification_count++;
    if (match.highlight) highlight_count++;
  }
  return { notification_count, highlight_count };
}

/** The `unread_notifications` of a room, and with `byThread` its `unread_thread_notifications`. */
export interface RoomUnread {
  readonly room: UnreadCounts;
  /** Threads with a notification, by thread root; only when asked for per-thread counts. */
  readonly threads?: ReadonlyMap<string, UnreadCounts>;
}

export interface UnreadRoomQuery {
  readonly roomId: string;
  readonly roomVersion: string;
  /** Nothing at or before this position is unread (the user's join: history from before it is not news). */
  readonly floor: number;
}

interface UnreadEventRow {
  readonly stream_pos: number;
  readonly sender: string;
  readonly event_json: string;
  readonly thread_id: string | null;
}

/**
 * countUnread for many rooms in one D1 round trip: each room's unread events (newest first, each
 * with the thread it belongs to, one or two relation hops from its thread root), the user's read
 * receipts, the rooms' power levels and the user's member events, join counts and the user's push
 * rules. With `byThread` the room count is the main timeline's only and each thread counts apart
 * (spec "Threading"); otherwise every event counts in the room's total. The user's own events are
 * read markers too (spec: a receipt moves "by sending an event"): counting stops at the user's
 * newest event of the same timeline.
 */
export async function countUnreadInRooms(
  db: D1Database,
  userId: string,
  rooms: readonly UnreadRoomQuery[],
  options: UnreadOptions,
): Promise<Map<string, RoomUnread>> {
  const statements = unreadStatements(db, userId, rooms, options);
  return readUnread(userId, rooms, options, statements.length === 0 ? [] : await db.batch(statements));
}

export interface UnreadOptions {
  /** The sync's snapshot: counts agree with the timeline. */
  readonly upTo: number;
  readonly byThread: boolean;
  readonly maxEvents?: number;
}

/** countUnreadInRooms' statements, to run in a caller's batch; none for no rooms. */
export function unreadStatements(db: D1Database, userId: string, rooms: readonly UnreadRoomQuery[], options: UnreadOptions): D1PreparedStatement[] {
  if (rooms.length === 0) return [];
  const roomList = JSON.stringify(rooms.map((r) => r.roomId));
  // Events at or before the join or an unthreaded receipt are read whatever timeline they are in.
  // Counting the room as one, the user's newest own event ends the count too: walking the room's
  // index back from the head finds it, so a busy room costs only what came after it.
  const ownEventBound = options.byThread
    ? ""
    : `AND x.stream_pos >= COALESCE((SELECT o.stream_pos FROM events o WHERE o.room_id = q.value->>0 AND o.stream_pos <= ?2
                                     AND o.stream_pos > q.value->>1 AND o.sender = ?3 ORDER BY o.stream_pos DESC LIMIT 1), 0)`;
  // Every room's unread events in one statement: per room a subquery walks its index back from the head.
  const eventsStatement = db
    .prepare(
      `SELECT e.room_id, e.stream_pos, e.sender, e.event_json, ${threadOfRelation("r")} AS thread_id
       FROM json_each(?1) q JOIN events e ON e.event_id IN (
         SELECT x.event_id FROM events x
         WHERE x.room_id = q.value->>0 AND x.status = 'accepted' AND x.redacted_because IS NULL AND x.stream_pos <= ?2
           AND x.stream_pos > MAX(q.value->>1, COALESCE((
             SELECT MAX(y.stream_pos) FROM receipts rc JOIN events y ON y.event_id = rc.event_id
             WHERE rc.room_id = q.value->>0 AND rc.user_id = ?3 AND rc.thread_id = '' AND rc.receipt_type IN ${READ_RECEIPTS}), 0))
           ${ownEventBound}
         ORDER BY x.stream_pos DESC LIMIT ?4)
       LEFT JOIN relations r ON r.event_id = e.event_id
       ORDER BY e.stream_pos DESC`,
    )
    .bind(JSON.stringify(rooms.map((r) => [r.roomId, r.floor])), options.upTo, userId, options.maxEvents ?? DEFAULT_MAX_EVENTS);
  return [
    receiptPositionsStatement(db, userId, rooms.map((r) => r.roomId)),
    db
      .prepare(
        `SELECT cs.room_id, cs.type, cs.state_key, cs.event_id, e.event_json FROM current_state cs JOIN events e ON e.event_id = cs.event_id
         WHERE cs.room_id IN (SELECT value FROM json_each(?1)) AND ((cs.type IN ('m.room.create', 'm.room.power_levels') AND cs.state_key = '')
           OR (cs.type = 'm.room.member' AND cs.state_key = ?2))`,
      )
      .bind(roomList, userId),
    db
      .prepare("SELECT room_id, COUNT(*) AS n FROM memberships WHERE room_id IN (SELECT value FROM json_each(?)) AND membership = 'join' GROUP BY room_id")
      .bind(roomList),
    db.prepare("SELECT rules_json FROM push_rules WHERE user_id = ?").bind(userId),
    eventsStatement,
  ];
}

/** The counts from the results of unreadStatements (in their order). */
export function readUnread(
  userId: string,
  rooms: readonly UnreadRoomQuery[],
  options: UnreadOptions,
  results: readonly (D1Result | undefined)[],
): Map<string, RoomUnread> {
  const out = new Map<string, RoomUnread>();
  const [receipts, state, members, rules, events] = results;
  const eventsByRoom = new Map<string, UnreadEventRow[]>();
  for (const row of (events?.results ?? []) as (UnreadEventRow & { room_id: string })[]) {
    const list = eventsByRoom.get(row.room_id);
    if (list === undefined) eventsByRoom.set(row.room_id, [row]);
    else list.push(row);
  }
  const positions = readPositions(rooms, (receipts?.results ?? []) as ReceiptPositionRow[]);
  const stateByRoom = new Map<string, StateRow[]>();
  for (const row of (state?.results ?? []) as (StateRow & { room_id: string })[]) {
    const list = stateByRoom.get(row.room_id);
    if (list === undefined) stateByRoom.set(row.room_id, [row]);
    else list.push(row);
  }
  const joinCounts = new Map(((members?.results ?? []) as { room_id: string; n: number }[]).map((r) => [r.room_id, r.n]));
  const rulesRow = (rules?.results[0] as { rules_json: string } | undefined)?.rules_json;
  // Only push-rule-store writes the column, always from a UserPushRules value.
  const ruleset = mergePushRules(userId, rulesRow === undefined ? emptyUserPushRules() : (JSON.parse(rulesRow) as UserPushRules));
  rooms.forEach((room) => {
    const rows = eventsByRoom.get(room.roomId) ?? [];
    const zero = { notification_count: 0, highlight_count: 0 };
    const position = positions.get(room.roomId) ?? { unthreaded: room.floor };
    if (rows.length === 0) {
      out.set(room.roomId, { room: zero, ...(options.byThread ? { threads: new Map() } : {}) });
      return;
    }
    const contextFor = evaluationContext(userId, room.roomVersion, stateByRoom.get(room.roomId) ?? [], joinCounts.get(room.roomId) ?? 0);
    const counts = new Map<string, { notification_count: number; highlight_count: number }>();
    /** Timelines whose read marker has been reached (newest first: everything older is read too). */
    const done = new Set<string>();
    for (const row of rows) {
      const timeline = options.byThread ? (row.thread_id ?? MAIN) : MAIN;
      if (done.has(timeline)) continue;
      if (row.stream_pos <= readUpTo(position, row.thread_id)) continue;
      if (row.sender === userId) {
        done.add(timeline);
        continue;
      }
      const event: unknown = JSON.parse(row.event_json);
      if (!isJsonObject(event)) continue;
      const match = evaluatePushRules(ruleset, event as JsonObject, contextFor(row.sender));
      if (match === null || !match.notify) continue;
      const c = counts.get(timeline) ?? { notification_count: 0, highlight_count: 0 };
      c.notification_count++;
      if (match.highlight) c.highlight_count++;
      counts.set(timeline, c);
    }
    out.set(room.roomId, {
      room: counts.get(MAIN) ?? zero,
      ...(options.byThread ? { threads: new Map([...counts].filter(([t]) => t !== MAIN)) } : {}),
    });
  });
  return out;
}

const MAIN = "main";
