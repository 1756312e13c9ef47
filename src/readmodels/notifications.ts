// GET /notifications: the events that notified a user, newest first, by running their push rules over recent events of their joined rooms.
import { isJsonObject, type JsonObject } from "../protocol/json-value";
import { evaluatePushRules } from "../protocol/push/evaluate-push-rules";
import { roomPushContext, type PushStateEvent } from "../protocol/push/room-push-context";
import { DEFAULT_ROOM_VERSION } from "../protocol/room-versions";
import { EVENT_COLUMNS, toClientEvents, type EventRow } from "./event-rows";
import { effectivePushRules } from "./push-rule-store";
import { readPositions, readUpTo, receiptPositionsStatement, threadOfRelation, type ReceiptPositionRow } from "./read-positions";

export interface NotificationsRequest {
  readonly userId: string;
  readonly deviceId?: string;
  /** Only events strictly older than this position (the `next_token` of a previous page). */
  readonly before?: number;
  readonly limit: number;
  readonly onlyHighlight: boolean;
  readonly now: number;
  /** At most this many events are evaluated per request, bounding the work; a page may then be short but still has a next_token. */
  readonly scanBudget?: number;
}

export interface NotificationsPage {
  readonly notifications: readonly JsonObject[];
  readonly next_token?: string;
}

const DEFAULT_SCAN_BUDGET = 500;

interface JoinedRoomRow {
  readonly room_id: string;
  readonly room_version: string | null;
  /** The position of the join that began the current membership: nothing before it notified the user. */
  readonly floor: number;
  /**
   * The user's newest own event in the main timeline: sending an event reads everything before it
   * in its timeline (spec "Receipts"), as the /sync unread counts have it.
   */
  readonly own_pos: number | null;
}

/**
 * The user's joined rooms, each with the position its current unbroken join began at (the newest
 * member event to `join` whose replaced member event was not a join; display name changes do not
 * move it) and the user's newest main-timeline event there. Indexed by the state_changes key and events_by_room.
 */
function joinedRoomsStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT m.room_id, r.room_version,
         COALESCE((SELECT MAX(sc.stream_pos) FROM state_changes sc JOIN events je ON je.event_id = sc.event_id
                   LEFT JOIN events pe ON pe.event_id = je.replaces_event_id
                   WHERE sc.room_id = m.room_id AND sc.type = 'm.room.member' AND sc.state_key = m.user_id
                     AND je.event_json->>'$.content.membership' = 'join'
                     AND (pe.event_id IS NULL OR pe.event_json->>'$.content.membership' IS NOT 'join')), m.stream_pos) AS floor,
         (SELECT o.stream_pos FROM events o WHERE o.room_id = m.room_id AND o.sender = m.user_id AND o.stream_pos > m.stream_pos
            AND (SELECT ${threadOfRelation("orl")} FROM relations orl WHERE orl.event_id = o.event_id) IS NULL
          ORDER BY o.stream_pos DESC LIMIT 1) AS own_pos
       FROM memberships m LEFT JOIN rooms r ON r.room_id = m.room_id
       WHERE m.user_id = ?1 AND m.membership = 'join'`,
    )
    .bind(userId);
}

/**
 * A page of notifications: the newest `scanBudget` events after the user's join in each joined
 * room (by others, accepted, unredacted, older than `before`) are evaluated against the user's
 * push rules with each room's current power levels, member count and display name (as the unread
 * counts do); those whose actions notify (with `only=highlight`, highlight) are returned with
 * their actions, the time they arrived, and whether they are read: by the unthreaded read receipt,
 * the receipt of their own timeline (`main` or their thread), or the user's own later event in
 * that timeline (see read-positions).
 */
export async function notificationsFor(db: D1Database, request: NotificationsRequest): Promise<NotificationsPage> {
  const rooms = (await joinedRoomsStatement(db, request.userId).all<JoinedRoomRow>()).results;
  if (rooms.length === 0 || request.limit === 0) return { notifications: [] };
  const budget = request.scanBudget ?? DEFAULT_SCAN_BUDGET;
  const roomList = JSON.stringify(rooms.map((r) => r.room_id));
  const [events, state, members] = await db.batch([
    db
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM json_each(?1) q JOIN events e ON e.event_id IN (
           SELECT x.event_id FROM events x
           WHERE x.room_id = q.value->>0 AND x.stream_pos > q.value->>1 AND x.stream_pos < ?2
             AND x.status = 'accepted' AND x.redacted_because IS NULL AND x.sender <> ?3
           ORDER BY x.stream_pos DESC LIMIT ?4)
         ORDER BY e.stream_pos DESC LIMIT ?4`,
      )
      .bind(JSON.stringify(rooms.map((r) => [r.room_id, r.floor])), request.before ?? Number.MAX_SAFE_INTEGER, request.userId, budget),
    db
      .prepare(
        `SELECT cs.room_id, cs.type, cs.state_key, cs.event_id, e.event_json FROM current_state cs JOIN events e ON e.event_id = cs.event_id
         WHERE cs.room_id IN (SELECT value FROM json_each(?1)) AND ((cs.type IN ('m.room.create', 'm.room.power_levels') AND cs.state_key = '')
           OR (cs.type = 'm.room.member' AND cs.state_key = ?2))`,
      )
      .bind(roomList, request.userId),
    db
      .prepare("SELECT room_id, COUNT(*) AS n FROM memberships WHERE room_id IN (SELECT value FROM json_each(?)) AND membership = 'join' GROUP BY room_id")
      .bind(roomList),
  ]);
  const rows = (events?.results ?? []) as EventRow[];
  if (rows.length === 0) return { notifications: [] };

  const stateByRoom = new Map<string, PushStateEvent[]>();
  for (const row of (state?.results ?? []) as { room_id: string; type: string; state_key: string; event_id: string; event_json: string }[]) {
    const list = stateByRoom.get(row.room_id) ?? [];
    stateByRoom.set(row.room_id, list);
    list.push({ type: row.type, state_key: row.state_key, event_id: row.event_id, pdu: JSON.parse(row.event_json) as JsonObject });
  }
  const joinCounts = new Map(((members?.results ?? []) as { room_id: string; n: number }[]).map((r) => [r.room_id, r.n]));
  const roomById = new Map(rooms.map((r) => [r.room_id, r]));
  const ruleset = await effectivePushRules(db, request.userId);
  const contexts = new Map<string, ReturnType<typeof roomPushContext>>();
  const contextOf = (roomId: string) => {
    let context = contexts.get(roomId);
    if (context === undefined) {
      const version = roomById.get(roomId)?.room_version ?? DEFAULT_ROOM_VERSION;
      context = roomPushContext(request.userId, version, stateByRoom.get(roomId) ?? [], joinCounts.get(roomId) ?? 0);
      contexts.set(roomId, context);
    }
    return context;
  };

  const found: { row: EventRow; actions: JsonObject["actions"] }[] = [];
  let lastExamined: number | undefined;
  for (const row of rows) {
    if (found.length === request.limit) break;
    lastExamined = row.stream_pos;
    const event: unknown = JSON.parse(row.event_json);
    if (!isJsonObject(event)) continue;
    const match = evaluatePushRules(ruleset, event, contextOf(row.room_id)(row.sender));
    if (match === null || !match.notify || (request.onlyHighlight && !match.highlight)) continue;
    found.push({ row, actions: match.actions as JsonObject["actions"] });
  }
  // More may follow when the page filled before the scan ended, or the scan used its whole budget.
  const more = found.length === request.limit ? rows.at(-1) !== found.at(-1)?.row || rows.length === budget : rows.length === budget;
  const nextPos = found.length === request.limit ? found.at(-1)?.row.stream_pos : lastExamined;

  const readState = await readStateOf(db, request.userId, rooms, found.map((f) => f.row));
  const formatted = await toClientEvents(
    db,
    found.map((f) => f.row),
    { now: request.now, includeRoomId: false, viewer: { userId: request.userId, ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }) } },
  );
  const notifications = found.map((f, i): JsonObject => {
    return {
      actions: f.actions ?? [],
      event: formatted[i] ?? {},
      read: readState.has(f.row.event_id),
      room_id: f.row.room_id,
      ts: f.row.origin_server_ts,
    };
  });
  return { notifications, ...(more && nextPos !== undefined ? { next_token: String(nextPos) } : {}) };
}

/**
 * Which of `rows` the user has read: those at or before the unthreaded receipt or the receipt of
 * their own timeline, or before the user's newest own event in that timeline. One round trip: the
 * receipts of the rooms involved, and each row's thread (one or two relation hops, as /sync counts)
 * with the user's newest own event in that thread.
 */
async function readStateOf(db: D1Database, userId: string, rooms: readonly JoinedRoomRow[], rows: readonly EventRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const roomIds = [...new Set(rows.map((r) => r.room_id))];
  const [receipts, threads] = await db.batch([
    receiptPositionsStatement(db, userId, roomIds),
    db
      .prepare(
        `WITH threaded(event_id, thread_id) AS (
           SELECT q.value, ${threadOfRelation("r")} FROM json_each(?1) q JOIN relations r ON r.event_id = q.value)
         SELECT t.event_id, t.thread_id,
           (SELECT MAX(o.stream_pos) FROM relations tr LEFT JOIN relations hop ON hop.relates_to = tr.event_id
              JOIN events o ON o.event_id IN (tr.event_id, hop.event_id)
            WHERE tr.relates_to = t.thread_id AND tr.rel_type = 'm.thread' AND o.sender = ?2) AS own_pos
         FROM threaded t WHERE t.thread_id IS NOT NULL`,
      )
      .bind(JSON.stringify(rows.map((r) => r.event_id)), userId),
  ]);
  const roomById = new Map(rooms.map((r) => [r.room_id, r]));
  const positions = readPositions(
    rooms.map((r) => ({ roomId: r.room_id, floor: r.floor })),
    (receipts?.results ?? []) as ReceiptPositionRow[],
  );
  const threadOf = new Map(
    ((threads?.results ?? []) as { event_id: string; thread_id: string; own_pos: number | null }[]).map((t) => [t.event_id, t]),
  );
  const read = new Set<string>();
  for (const row of rows) {
    const thread = threadOf.get(row.event_id);
    const position = positions.get(row.room_id) ?? { unthreaded: 0 };
    const ownPos = thread === undefined ? roomById.get(row.room_id)?.own_pos : thread.own_pos;
    if (row.stream_pos <= Math.max(readUpTo(position, thread?.thread_id ?? null), ownPos ?? 0)) read.add(row.event_id);
  }
  return read;
}
