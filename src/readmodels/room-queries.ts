// Typed D1 queries over the room read models: positions, memberships, timelines and state by position.
import { EVENT_COLUMNS, type EventRow } from "./event-rows";

export interface MembershipRow {
  readonly room_id: string;
  readonly membership: string;
  readonly event_id: string;
  /** Where this membership was set: a left user sees the room up to here. */
  readonly stream_pos: number;
}

export interface UserSnapshot {
  /** The highest committed stream position: every read of this sync stops here. */
  readonly position: number;
  readonly memberships: readonly MembershipRow[];
}

/** The position and the user's rooms, read in one transaction so they agree with each other. */
export async function userSnapshot(db: D1Database, userId: string): Promise<UserSnapshot> {
  const [position, memberships] = await db.batch([
    db.prepare("SELECT COALESCE(MAX(stream_pos), 0) AS position FROM events"),
    db.prepare("SELECT room_id, membership, event_id, stream_pos FROM memberships WHERE user_id = ? ORDER BY room_id").bind(userId),
  ]);
  const pos = (position?.results[0] as { position: number } | undefined)?.position ?? 0;
  return { position: pos, memberships: (memberships?.results ?? []) as MembershipRow[] };
}

export async function membershipOf(db: D1Database, userId: string, roomId: string): Promise<MembershipRow | undefined> {
  const row = await db
    .prepare("SELECT room_id, membership, event_id, stream_pos FROM memberships WHERE user_id = ? AND room_id = ?")
    .bind(userId, roomId)
    .first<MembershipRow>();
  return row ?? undefined;
}

export interface TimelineWindow {
  /** Oldest first. */
  readonly events: readonly EventRow[];
  /** More visible events exist in the range than were returned. */
  readonly limited: boolean;
}

/** The newest `limit` visible events with `after < stream_pos <= upTo`. */
export async function latestEvents(db: D1Database, roomId: string, after: number, upTo: number, limit: number): Promise<TimelineWindow> {
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM events e
       WHERE e.room_id = ? AND e.status = 'accepted' AND e.stream_pos > ? AND e.stream_pos <= ?
       ORDER BY e.stream_pos DESC LIMIT ?`,
    )
    .bind(roomId, after, upTo, limit + 1)
    .all<EventRow>();
  const limited = rows.results.length > limit;
  return { events: rows.results.slice(0, limit).reverse(), limited };
}

/** Visible events in `(after, upTo]`, oldest first (`asc`) or newest first, at most `limit` + 1. */
export async function eventsBetween(
  db: D1Database,
  roomId: string,
  after: number,
  upTo: number,
  limit: number,
  order: "asc" | "desc",
): Promise<EventRow[]> {
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM events e
       WHERE e.room_id = ? AND e.status = 'accepted' AND e.stream_pos > ? AND e.stream_pos <= ?
       ORDER BY e.stream_pos ${order === "asc" ? "ASC" : "DESC"} LIMIT ?`,
    )
    .bind(roomId, after, upTo, limit + 1)
    .all<EventRow>();
  return rows.results;
}

// The value of each state key at a position: its last change at or before it.
const STATE_AT = `
  SELECT sc.event_id FROM state_changes sc
  WHERE sc.room_id = ?1 AND sc.event_id IS NOT NULL AND sc.stream_pos = (
    SELECT MAX(s2.stream_pos) FROM state_changes s2
    WHERE s2.room_id = sc.room_id AND s2.type = sc.type AND s2.state_key = sc.state_key AND s2.stream_pos <= ?2)`;

/** The room's full state at `position` (after the entry at that position applied). */
export async function stateAt(db: D1Database, roomId: string, position: number): Promise<EventRow[]> {
  const rows = await db
    .prepare(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.event_id IN (${STATE_AT}) ORDER BY e.stream_pos`)
    .bind(roomId, position)
    .all<EventRow>();
  return rows.results;
}

/**
 * The state at `to` for keys whose value differs from the one at `from`: the delta a client that
 * knew the state at `from` needs. Keys that left the state are not expressible in /sync and drop out.
 */
export async function stateDelta(db: D1Database, roomId: string, from: number, to: number): Promise<EventRow[]> {
  if (to <= from) return [];
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM events e
       WHERE e.event_id IN (${STATE_AT}
         AND EXISTS (SELECT 1 FROM state_changes c WHERE c.room_id = sc.room_id AND c.type = sc.type
                     AND c.state_key = sc.state_key AND c.stream_pos > ?3 AND c.stream_pos <= ?2))
       AND e.event_id NOT IN (
         SELECT sc.event_id FROM state_changes sc
         WHERE sc.room_id = ?1 AND sc.event_id IS NOT NULL AND sc.stream_pos = (
           SELECT MAX(s2.stream_pos) FROM state_changes s2
           WHERE s2.room_id = sc.room_id AND s2.type = sc.type AND s2.state_key = sc.state_key AND s2.stream_pos <= ?3))
       ORDER BY e.stream_pos`,
    )
    .bind(roomId, to, from)
    .all<EventRow>();
  return rows.results;
}

/** Current state events of the given types (any state key), for stripped state and summaries. */
export async function currentStateOfTypes(db: D1Database, roomId: string, types: readonly string[]): Promise<EventRow[]> {
  const rows = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM current_state cs JOIN events e ON e.event_id = cs.event_id
       WHERE cs.room_id = ? AND cs.type IN (${types.map(() => "?").join(",")}) ORDER BY e.stream_pos`,
    )
    .bind(roomId, ...types)
    .all<EventRow>();
  return rows.results;
}

/** The whole current state of a room. */
export async function currentState(db: D1Database, roomId: string): Promise<EventRow[]> {
  const rows = await db
    .prepare(`SELECT ${EVENT_COLUMNS} FROM current_state cs JOIN events e ON e.event_id = cs.event_id WHERE cs.room_id = ? ORDER BY e.stream_pos`)
    .bind(roomId)
    .all<EventRow>();
  return rows.results;
}

export interface RoomSummaryCounts {
  readonly joined: number;
  readonly invited: number;
  /** Joined or invited members in the order they got that membership. */
  readonly members: readonly string[];
}

export async function memberSummary(db: D1Database, roomId: string, heroLimit: number): Promise<RoomSummaryCounts> {
  const [counts, members] = await db.batch([
    db
      .prepare(
        `SELECT SUM(membership = 'join') AS joined, SUM(membership = 'invite') AS invited
         FROM memberships WHERE room_id = ?`,
      )
      .bind(roomId),
    db
      .prepare(
        `SELECT user_id FROM memberships WHERE room_id = ? AND membership IN ('join', 'invite')
         ORDER BY stream_pos, user_id LIMIT ?`,
      )
      .bind(roomId, heroLimit),
  ]);
  const c = counts?.results[0] as { joined: number | null; invited: number | null } | undefined;
  return {
    joined: c?.joined ?? 0,
    invited: c?.invited ?? 0,
    members: ((members?.results ?? []) as { user_id: string }[]).map((r) => r.user_id),
  };
}
